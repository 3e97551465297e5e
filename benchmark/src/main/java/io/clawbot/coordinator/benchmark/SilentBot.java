package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bot that accepts a task and then goes silent, its connection open: no heartbeats, no reads. The task's lease
 * lapses, another bot runs it, and when the silent bot wakes and reports its old attempt complete, the report is
 * refused and changes nothing; meanwhile the fleet's own work runs as usual.
 */
final class SilentBot extends FaultSuite.Scenario {

    /** The fleet's work during the scenario. */
    static final String TYPE = "silent-load";
    /** The held task's type: only the silent bot, and later the bot that takes over, have it. */
    static final String HELD_TYPE = "silent-held";
    private static final int TASKS = 2000;

    SilentBot() {
        super("silent-bot", true);
    }

    @Override
    FaultSuite.Outcome play(FaultSuite.Env env) throws Exception {
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        JsonNode registered = env.api().registerBot(0, "silent", List.of(HELD_TYPE));
        String token = registered.path("token").asText();
        String heldId;
        long silentSince;
        long tookOver;
        int attempt;
        Load load = new Load(env.api(), env.replicas(), TYPE);
        try (RawBot silent = RawBot.connect(env.replicas().controlUri(0), token)) {
            HeldTask.Held held = HeldTask.accept(env, silent, HELD_TYPE);
            heldId = held.id();
            attempt = held.attempt();
            silent.stopReading();
            silentSince = System.nanoTime();
            System.out.println("the silent bot accepted task " + heldId + " and went silent");

            for (int i = 0; i < TASKS; i++) {
                load.submit(i);
            }
            load.awaitAnswers();
            boolean done = HeldTask.rescue(env, HELD_TYPE, heldId);
            tookOver = System.nanoTime();
            if (!done) {
                violations.add("the silent bot's task was not completed elsewhere within 90 s");
            }
            figures.put("held_task_completed_elsewhere_after_seconds",
                    Percentiles.round((tookOver - silentSince) / 1e9));

            // The silent bot wakes and reports the attempt it ran long ago.
            String refusal = HeldTask.reportLate(env, silent, token, heldId, attempt, violations);
            figures.put("late_report_answered", refusal);
        }

        HeldTask.checkCompletedOnceElsewhere(env, heldId, attempt, violations);
        String causes = String.join(",", env.invariants().causes(HELD_TYPE, Invariants.TIMEOUT_CAUSES).keySet());
        figures.put("held_task_attempt_ended_by", causes);
        Map<String, Object> checked = env.invariants().settleAndCheck(load, env.fleet(), Duration.ofSeconds(120));
        return FaultSuite.outcome(env, load, checked, violations, (tookOver - silentSince) / 1e9, figures);
    }
}
