package io.clawbot.coordinator.bootstrap.tracing;

import io.clawbot.coordinator.domain.id.TaskId;
import io.opentelemetry.sdk.trace.IdGenerator;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * The span ids of the tracer (Quarkus takes an {@link IdGenerator} bean): random, except for a task's attempt
 * spans, whose id follows from the task and the attempt number. So whichever replica records attempt n+1 can
 * link it, and its dispatch, to attempt n's span without anything stored: a retry is a linked span.
 */
@Singleton
public class TaskSpanIds implements IdGenerator {

    private static final IdGenerator RANDOM = IdGenerator.random();
    private static final ThreadLocal<String> NEXT = new ThreadLocal<>();

    @Override
    public String generateSpanId() {
        String next = NEXT.get();
        if (next != null) {
            NEXT.remove();
            return next;
        }
        return RANDOM.generateSpanId();
    }

    @Override
    public String generateTraceId() {
        return RANDOM.generateTraceId();
    }

    /** Starts a span (on this thread, now) with the given id. */
    static <T> T withSpanId(String spanId, Supplier<T> start) {
        NEXT.set(spanId);
        try {
            return start.get();
        } finally {
            NEXT.remove();
        }
    }

    /** The span id of a task's attempt: 16 hex digits of a SHA-256 of the task id and the attempt, never zero. */
    static String attemptSpanId(TaskId task, int attempt) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(("clawbot.attempt:" + task + ":" + attempt).getBytes(StandardCharsets.UTF_8));
            String id = HexFormat.of().formatHex(hash, 0, 8);
            return id.equals("0000000000000000") ? "0000000000000001" : id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
