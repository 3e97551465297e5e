package io.clawbot.coordinator.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A replica frozen (SIGSTOP) longer than a task's lease while its bots run work, then resumed: its bots find
 * other replicas, the tasks they held run to their end, and when the replica wakes its stale view (the reports it
 * had read but not written, its sweeps and pushes) changes nothing the invariants would see.
 */
final class FrozenReplica extends FaultSuite.Scenario {

    static final String TYPE = "frozen-load";
    private static final int TASKS = 2400;
    /** Longer than the replicas' lease (10 s): every attempt the frozen replica held has lapsed when it wakes. */
    private static final Duration FROZEN = Duration.ofSeconds(15);

    FrozenReplica() {
        super("frozen-replica", true);
    }

    @Override
    FaultSuite.Outcome play(FaultSuite.Env env) throws Exception {
        Replicas replicas = env.replicas();
        int frozen = replicas.count() - 1;
        Load load = new Load(env.api(), replicas, TYPE, "{\"sleep_ms\": 100}", Load.GENEROUS_RETRIES);
        long frozenAt = 0;
        int sessionsEndedBefore = env.fleet().disconnects();
        for (int i = 0; i < TASKS; i++) {
            if (i == TASKS / 3) {
                System.out.println("freezing replica " + (frozen + 1) + " (SIGSTOP) for " + FROZEN.toSeconds()
                        + " s");
                replicas.freeze(frozen);
                frozenAt = System.nanoTime();
            }
            load.submit(i);
        }
        long left = FROZEN.toNanos() - (System.nanoTime() - frozenAt);
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
        double recovery = replicas.thaw(frozen);
        System.out.printf("replica %d resumed (SIGCONT), ready after %.1f s%n", frozen + 1, recovery);
        load.awaitAnswers();
        Map<String, Object> checked = env.invariants().settleAndCheck(load, env.fleet(), Duration.ofSeconds(180));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("attempts_ended_by_timeout", env.invariants().causes(TYPE, Invariants.TIMEOUT_CAUSES));
        // The frozen replica's bots hear nothing from it and move to another replica.
        figures.put("bot_sessions_ended", env.fleet().disconnects() - sessionsEndedBefore);
        List<String> violations = new ArrayList<>();
        return FaultSuite.outcome(env, load, checked, violations, recovery, figures);
    }
}
