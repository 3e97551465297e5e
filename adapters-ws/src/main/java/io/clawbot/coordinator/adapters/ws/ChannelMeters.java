package io.clawbot.coordinator.adapters.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The bot channel of this replica as counters (docs/metrics.md): sessions opened, frames in and out by type, error
 * frames by code, sockets closed by code. Labels come from the protocol's own vocabulary; anything else a bot sends
 * counts as {@code other}.
 */
@ApplicationScoped
public class ChannelMeters {

    /** The frame types a bot may send (docs/bot-protocol.md). */
    private static final Set<String> INBOUND = Set.of("heartbeat", "slots", "task_accepted", "task_progress",
            "task_complete");
    /** The close codes the protocol gives a meaning. */
    private static final Set<Integer> CLOSE_CODES = Set.of(1000, 1001, 1005, 1006, 1008, 1009, 1011, 1013, 4001,
            4003);

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public ChannelMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void opened() {
        counter("clawbot.ws.sessions.opened", "Bot sessions opened on this replica", null, null).increment();
    }

    /** A frame read from a bot; {@code type} {@code null} when it was not a frame at all. */
    void received(String type) {
        String label = type != null && INBOUND.contains(type) ? type : "other";
        counter("clawbot.ws.frames.received", "Frames read from bots, by type", "type", label).increment();
    }

    void sent(String type) {
        counter("clawbot.ws.frames.sent", "Frames sent to bots, by type", "type", type).increment();
    }

    void error(String code) {
        counter("clawbot.ws.errors", "Error frames sent to bots, by code", "code", code).increment();
    }

    /** A session closed because its bot did not read its socket: its backlog went over its bounds. */
    void evicted() {
        counter("clawbot.ws.sessions.evicted", "Bot sessions closed because the bot did not read its socket", null,
                null).increment();
    }

    /** Reports the bytes of frames handed to bots' sockets here and not written yet, read at each scrape. */
    void backlog(Supplier<Number> bytes) {
        Gauge.builder("clawbot.ws.outbound.backlog.bytes", bytes)
                .description("Bytes of frames handed to bots' sockets on this replica and not written yet")
                .register(registry);
    }

    void closed(int code) {
        String label = CLOSE_CODES.contains(code) ? Integer.toString(code) : "other";
        counter("clawbot.ws.sessions.closed", "Bot sessions closed, by close code", "code", label).increment();
    }

    private Counter counter(String name, String description, String tag, String value) {
        return counters.computeIfAbsent(name + '\0' + value, k -> {
            Counter.Builder builder = Counter.builder(name).description(description);
            if (tag != null) {
                builder.tag(tag, value);
            }
            return builder.register(registry);
        });
    }
}
