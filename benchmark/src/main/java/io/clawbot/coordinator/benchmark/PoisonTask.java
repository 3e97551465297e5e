package io.clawbot.coordinator.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A poison task, which kills every bot that takes it, in the middle of ordinary work: it ends in the dead-letter
 * list after its three attempts and no more (three bots died of it), every other task completes, and the bots that
 * died are back.
 */
final class PoisonTask extends FaultSuite.Scenario {

    static final String TYPE = "poison-load";
    static final String PILL_TYPE = "poison-pill";
    private static final int TASKS = 2000;
    private static final int ATTEMPTS = 3;

    PoisonTask() {
        super("poison-task", true);
    }

    @Override
    FaultSuite.Outcome play(FaultSuite.Env env) throws Exception {
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        int crashesBefore = env.fleet().crashes();
        Load load = new Load(env.api(), env.replicas(), TYPE, "{\"sleep_ms\": 50}", Load.GENEROUS_RETRIES);
        String pill = null;
        for (int i = 0; i < TASKS; i++) {
            if (i == TASKS / 2) {
                pill = env.api().createTask(0, "{\"type\": \"" + PILL_TYPE + "\", \"payload\": {\"poison\": true}, "
                        + "\"retry\": {\"max_attempts\": " + ATTEMPTS + ", \"backoff_seconds\": 0.2}}").path("id")
                        .asText();
            }
            load.submit(i);
        }
        load.awaitAnswers();
        String pillId = pill;
        boolean ended = FaultSuite.until(Duration.ofSeconds(120), () -> env.invariants().number("select count(*) "
                + "from tasks where id = ?::uuid and status in ('failed', 'timed_out')", pillId) == 1);
        long endedAt = System.nanoTime();
        if (!ended) {
            violations.add("the poison task did not reach the dead letters within 120 s");
        }
        long attempts = env.invariants().number("select attempt from tasks where id = ?::uuid", pillId);
        figures.put("poison_attempts", attempts);
        figures.put("poison_attempts_ended_by", env.invariants().causes(PILL_TYPE, Invariants.TIMEOUT_CAUSES));
        if (attempts != ATTEMPTS) {
            violations.add("the poison task had " + attempts + " attempts, not " + ATTEMPTS);
        }
        int crashes = env.fleet().crashes() - crashesBefore;
        figures.put("bots_killed", crashes);
        if (crashes != ATTEMPTS) {
            violations.add(crashes + " bots died of it, not " + ATTEMPTS);
        }
        boolean back = FaultSuite.until(Duration.ofSeconds(30), () -> env.fleet().connected() == env.fleet().size());
        double recovery = (System.nanoTime() - endedAt) / 1e9;
        if (!back) {
            violations.add(env.fleet().connected() + " of " + env.fleet().size() + " bots connected 30 s later");
        }
        Map<String, Object> checked = env.invariants().settleAndCheck(load, env.fleet(), Duration.ofSeconds(120));
        return FaultSuite.outcome(env, load, checked, violations, recovery, figures);
    }
}
