package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.clawbot.coordinator.botclient.AssignedTask;
import io.clawbot.coordinator.botclient.BotClient;
import io.clawbot.coordinator.botclient.BotListener;
import io.clawbot.coordinator.botclient.ConnectedInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bots that do the checks' work, spread round robin over the replicas, each given every replica's address so
 * that it moves on when its replica goes away. They keep a record of every attempt they ran to the end, against
 * which the coordinator's completions are checked.
 *
 * <p>
 * A task's payload steers its run: {@code sleep_ms} is how long it takes (else 5-25 ms), {@code fail: true} fails
 * it, and {@code poison: true} kills the bot that runs it, as a task that crashes its worker does: the bot's client
 * ends without a word and a new one starts a second later under the same token.
 */
final class Fleet implements AutoCloseable {

    private static final Duration RESTART_AFTER_CRASH = Duration.ofSeconds(1);

    private final Replicas replicas;
    private final int slots;
    private final List<String> tokens = new ArrayList<>();
    private final List<BotClient> bots = new ArrayList<>();
    /** (task id, attempt) pairs the bots ran to completion. */
    private final Set<String> ran = ConcurrentHashMap.newKeySet();
    /** When a bot's handler started and ended each attempt, by this process's clock (epoch ms), keyed as in ran. */
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Long> ended = new ConcurrentHashMap<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger disconnects = new AtomicInteger();
    private final AtomicInteger crashes = new AtomicInteger();

    private Fleet(Replicas replicas, int slots) {
        this.replicas = replicas;
        this.slots = slots;
    }

    /** Registers and connects {@code count} bots, bot b first to replica b mod the replica count. */
    static Fleet connect(Api api, Replicas replicas, int count, int slots, List<String> capabilities)
            throws Exception {
        return connect(api, replicas, count, slots, capabilities, "scale-");
    }

    /** The same, the bots named {@code prefix} and their number. */
    static Fleet connect(Api api, Replicas replicas, int count, int slots, List<String> capabilities, String prefix)
            throws Exception {
        Fleet fleet = new Fleet(replicas, slots);
        for (int b = 0; b < count; b++) {
            JsonNode bot = api.registerBot(b % replicas.count(), prefix + b, capabilities);
            fleet.tokens.add(bot.get("token").asText());
            fleet.bots.add(fleet.start(b, b % replicas.count()));
        }
        return fleet;
    }

    /** Records an attempt that a bot outside the fleet, run by a scenario, ran to the end: the same check covers it. */
    void record(String taskId, int attempt) {
        ran.add(taskId + "#" + attempt);
    }

    /** Whether the bots ran this attempt to the end. */
    boolean ran(String taskId, int attempt) {
        return ran.contains(taskId + "#" + attempt);
    }

    int size() {
        return tokens.size();
    }

    /** How many of the bots have a session now. */
    int connected() {
        return sessions.get();
    }

    /** How many sessions ended, for any reason, since the fleet connected. */
    int disconnects() {
        return disconnects.get();
    }

    /** How many bots a poisoned task killed. */
    int crashes() {
        return crashes.get();
    }

    /** Ends bot {@code b}'s process, as it were, and starts it again with {@code replica} as its first address. */
    synchronized void restartOn(int b, int replica) throws Exception {
        bots.get(b).close();
        bots.set(b, start(b, replica));
    }

    private BotClient start(int b, int firstReplica) throws Exception {
        BotClient client = BotClient.builder().uris(replicas.controlUris(firstReplica)).token(tokens.get(b))
                .slots(slots).heartbeatInterval(Duration.ofMillis(500))
                .listener(new BotListener() {
                    /** Whether this client's current session got its {@code connected} frame. */
                    private final AtomicBoolean up = new AtomicBoolean();

                    @Override
                    public void onConnected(ConnectedInfo info) {
                        if (up.compareAndSet(false, true)) {
                            sessions.incrementAndGet();
                        }
                    }

                    @Override
                    public void onDisconnected(int statusCode, String reason) {
                        // A session may also end before it was up (the coordinator closed it while bringing the bot
                        // online): that one was never counted.
                        if (up.compareAndSet(true, false)) {
                            sessions.decrementAndGet();
                            disconnects.incrementAndGet();
                        }
                    }
                })
                .handler(task -> run(b, task))
                .build();
        client.start().get(30, TimeUnit.SECONDS);
        return client;
    }

    /** When a bot's handler started running this attempt, by this process's clock (epoch ms); null if never. */
    Long startedAt(String taskId, int attempt) {
        return started.get(taskId + "#" + attempt);
    }

    /** When it ended: returned, failed, or was interrupted by a cancellation (epoch ms); null if never. */
    Long endedAt(String taskId, int attempt) {
        return ended.get(taskId + "#" + attempt);
    }

    private Map<String, Object> run(int b, AssignedTask task) throws Exception {
        String key = task.taskId() + "#" + task.attempt();
        started.put(key, System.currentTimeMillis());
        try {
            return runTimed(b, task);
        } finally {
            ended.put(key, System.currentTimeMillis());
        }
    }

    private Map<String, Object> runTimed(int b, AssignedTask task) throws Exception {
        Map<String, Object> payload = task.payload() == null ? Map.of() : task.payload();
        if (Boolean.TRUE.equals(payload.get("poison"))) {
            crashes.incrementAndGet();
            Thread.ofPlatform().daemon().name("crash-bot-" + b).start(() -> crash(b));
            Thread.sleep(Long.MAX_VALUE); // the crash interrupts it: nothing is ever reported
        }
        Object sleep = payload.get("sleep_ms");
        Thread.sleep(sleep instanceof Number n ? n.longValue() : ThreadLocalRandom.current().nextInt(5, 25));
        if (Boolean.TRUE.equals(payload.get("fail"))) {
            throw new IllegalStateException("fails on purpose");
        }
        ran.add(task.taskId() + "#" + task.attempt());
        return Map.of("attempt", task.attempt());
    }

    private void crash(int b) {
        try {
            synchronized (this) {
                bots.get(b).close();
            }
            Thread.sleep(RESTART_AFTER_CRASH.toMillis());
            restartOn(b, (b + 1) % replicas.count());
        } catch (Exception e) {
            System.err.println("bot " + b + " did not come back after its crash: " + e);
        }
    }

    @Override
    public synchronized void close() {
        bots.forEach(BotClient::close);
    }
}
