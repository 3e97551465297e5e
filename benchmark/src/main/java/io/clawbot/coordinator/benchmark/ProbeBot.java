package io.clawbot.coordinator.benchmark;

import io.clawbot.coordinator.botclient.AssignedTask;
import io.clawbot.coordinator.botclient.BotClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-slot bot with a capability of its own, connected to one replica only, that notes when each task reaches
 * it. A task's payload names it ({@code probe}); with {@code hold: true} the handler does not return but waits
 * until it is interrupted, which is how a cancel shows on the bot.
 */
final class ProbeBot implements AutoCloseable {

    static final String TYPE = "probe";

    private final String id;
    private final BotClient client;
    /** When each named task reached the handler, from System.nanoTime(). */
    private final Map<String, CompletableFuture<Long>> received = new ConcurrentHashMap<>();
    /** When a held task's handler was interrupted, from System.nanoTime(). */
    private final Map<String, CompletableFuture<Long>> interrupted = new ConcurrentHashMap<>();

    private ProbeBot(String id, String token, URI replica) {
        this.id = id;
        this.client = BotClient.builder().uri(replica).token(token).slots(1).handler(this::handle).build();
    }

    /** Registers the probe bot and connects it to {@code replica} alone. */
    static ProbeBot connect(Api api, Replicas replicas, int replica) throws Exception {
        var bot = api.registerBot(replica, "probe", List.of(TYPE));
        ProbeBot probe = new ProbeBot(bot.get("id").asText(), bot.get("token").asText(), replicas.controlUri(replica));
        probe.client.start().get(30, TimeUnit.SECONDS);
        return probe;
    }

    String id() {
        return id;
    }

    /** Completes with the System.nanoTime() at which the task named {@code probe} reached the handler. */
    CompletableFuture<Long> received(String probe) {
        return received.computeIfAbsent(probe, key -> new CompletableFuture<>());
    }

    /** Completes with the System.nanoTime() at which the held task named {@code probe} was interrupted. */
    CompletableFuture<Long> interrupted(String probe) {
        return interrupted.computeIfAbsent(probe, key -> new CompletableFuture<>());
    }

    /** The body of a task for this bot, named {@code probe}. */
    static String task(String probe, boolean hold, String extra) {
        return "{\"type\": \"" + TYPE + "\", \"payload\": {\"probe\": \"" + probe + "\", \"hold\": " + hold + "}"
                + extra + "}";
    }

    private Map<String, Object> handle(AssignedTask task) throws InterruptedException {
        long now = System.nanoTime();
        String probe = String.valueOf(task.payload().get("probe"));
        received(probe).complete(now);
        if (Boolean.TRUE.equals(task.payload().get("hold"))) {
            try {
                // Nothing counts it down: only an interrupt ends the wait.
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted(probe).complete(System.nanoTime());
                throw e;
            }
        }
        return Map.of();
    }

    @Override
    public void close() {
        client.close();
    }
}
