package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.clawbot.coordinator.botclient.BotClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Redis answering slowly: every replica reaches it through a loopback proxy that holds each reply back for 500 ms.
 * Redis carries the wake-ups between replicas, bot presence and rate buckets, never a task's state, so dispatch stays
 * correct; at worst a task waits for the dispatch tick instead of a wake-up. Two paced loads run (after a warm-up)
 * with Redis answering at once and then slowly: one the creating replica dispatches itself, one only a bot on
 * another replica can take; the dispatch wait of each (a task's creation until its first assignment, from the
 * database's history) is reported side by side, and with Redis slow it must stay within the tick and two
 * delayed replies.
 */
final class SlowRedis extends FaultSuite.Scenario {

    /** A first load, not measured: the replicas' code is compiled by then, whichever scenarios ran before. */
    static final String WARM_UP_TYPE = "redis-warm-up";
    /** Work the fleet's bots on every replica take: the replica a task is created on dispatches it itself. */
    static final String LOCAL_TYPE = "redis-local";
    /**
     * Work only one bot takes, connected to replica 3, created on replica 1: replica 3 hears of it by a wake-up
     * through Redis, or at its next tick.
     */
    static final String REMOTE_TYPE = "redis-remote";
    static final Duration DELAY = Duration.ofMillis(500);
    private static final int TASKS = 500;
    /** The submission pace: slow enough that the bots are never the bottleneck, so the wait is dispatch's. */
    private static final Duration PACE = Duration.ofMillis(8);

    SlowRedis() {
        super("slow-redis", true);
    }

    @Override
    FaultSuite.Outcome play(FaultSuite.Env env) throws Exception {
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        int remote = env.replicas().count() - 1;
        JsonNode registered = env.api().registerBot(remote, "remote", List.of(REMOTE_TYPE + "-prompt",
                REMOTE_TYPE + "-slow"));
        Load slowLocal;
        Load slowRemote;
        int otherTasks = 0;
        long slowFrom;
        try (BotClient bot = BotClient.builder().uri(env.replicas().controlUri(remote))
                .token(registered.path("token").asText()).slots(4).handler(task -> {
                    env.fleet().record(task.taskId(), task.attempt());
                    return Map.of("ran", true);
                }).build()) {
            bot.start().get(30, TimeUnit.SECONDS);
            for (Load before : List.of(paced(env, WARM_UP_TYPE, -1), paced(env, LOCAL_TYPE + "-prompt", -1),
                    paced(env, REMOTE_TYPE + "-prompt", 0))) {
                FaultSuite.checkInto(env, before, Duration.ofSeconds(60), violations);
                otherTasks += before.submitted();
            }

            System.out.println("every reply from Redis now comes " + DELAY.toMillis() + " ms late");
            env.redisLink().delayReplies(DELAY);
            slowFrom = System.nanoTime();
            try {
                slowLocal = paced(env, LOCAL_TYPE + "-slow", -1);
                slowRemote = paced(env, REMOTE_TYPE + "-slow", 0);
                FaultSuite.checkInto(env, slowRemote, Duration.ofSeconds(60), violations);
            } finally {
                env.redisLink().forward();
            }
        }
        figures.put("redis_reply_delay_ms", DELAY.toMillis());
        figures.put("slow_phase_seconds", Percentiles.round((System.nanoTime() - slowFrom) / 1e9));
        // The documented bound: a task waits at most for the next tick, plus one slow round trip to Redis on the
        // way (a wake-up that comes late, or a tick's own Redis calls).
        long bound = ScaleOutCheck.TICK.toMillis() + 2 * DELAY.toMillis();
        figures.put("dispatch_wait_bound_ms", bound);
        for (String type : List.of(LOCAL_TYPE + "-prompt", REMOTE_TYPE + "-prompt", LOCAL_TYPE + "-slow",
                REMOTE_TYPE + "-slow")) {
            Map<String, Long> waits = env.invariants().dispatchWaits(type);
            figures.put("dispatch_wait_ms_" + type, waits);
            if (type.endsWith("-slow") && waits.get("p99") > bound) {
                violations.add(type + ": the dispatch wait's p99 was " + waits.get("p99") + " ms with Redis slow, "
                        + "over the bound of " + bound + " ms (tick + two delayed replies)");
            }
        }
        Map<String, Object> checked = env.invariants().settleAndCheck(slowLocal, env.fleet(), Duration.ofSeconds(120));
        return FaultSuite.outcome(env, slowLocal, checked, violations, 0, figures)
                .plusTasks(otherTasks + slowRemote.submitted());
    }

    /** Submits the tasks at the pace, spread over the replicas or all to {@code replica} (unless negative). */
    private static Load paced(FaultSuite.Env env, String type, int replica) throws InterruptedException {
        Load load = new Load(env.api(), env.replicas(), type);
        for (int i = 0; i < TASKS; i++) {
            if (replica < 0) {
                load.submit(i);
            } else {
                load.submit(i, replica);
            }
            Thread.sleep(PACE.toMillis());
        }
        load.awaitAnswers();
        return load;
    }
}
