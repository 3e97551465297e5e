package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.clawbot.coordinator.botclient.BotClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
    private static final int TASKS = 300;
    private static final Set<String> REFUSALS = Set.of("stale_attempt", "not_assigned", "invalid_transition");

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
        Load load = new Load(env.api(), env.replicas(), TYPE);
        try (RawBot silent = RawBot.connect(env.replicas().controlUri(0), token)) {
            heldId = env.api().createTask(0, "{\"type\": \"" + HELD_TYPE + "\", \"retry\": {\"max_attempts\": 10, "
                    + "\"backoff_seconds\": 0.2}}").path("id").asText();
            JsonNode assigned = silent.next("task_assigned", Duration.ofSeconds(10)).path("payload");
            int attempt = assigned.path("attempt").asInt();
            silent.send("task_accepted", Map.of("task_id", heldId, "attempt", attempt));
            silent.next("task_ack", Duration.ofSeconds(10));
            silent.stopReading();
            silentSince = System.nanoTime();
            System.out.println("the silent bot accepted task " + heldId + " and went silent");

            for (int i = 0; i < TASKS; i++) {
                load.submit(i);
            }
            load.awaitAnswers();
            JsonNode rescuer = env.api().registerBot(1, "rescuer", List.of(HELD_TYPE));
            try (BotClient other = BotClient.builder().uris(env.replicas().controlUris(1))
                    .token(rescuer.path("token").asText()).handler(task -> Map.of("rescued", task.attempt()))
                    .build()) {
                other.start().get(30, TimeUnit.SECONDS);
                // The silent bot's slot is free once its attempt lapsed, and it may be offered the task again (an
                // offer it never accepts ends by the acknowledgement timeout): attempts enough for a few of those.
                boolean done = FaultSuite.until(Duration.ofSeconds(90), () -> env.invariants().number(
                        "select count(*) from tasks where id = ?::uuid and status = 'completed'", heldId) == 1);
                tookOver = System.nanoTime();
                if (!done) {
                    violations.add("the silent bot's task was not completed elsewhere within 90 s");
                }
            }
            figures.put("held_task_completed_elsewhere_after_seconds",
                    Percentiles.round((tookOver - silentSince) / 1e9));

            // The silent bot wakes and reports the attempt it ran long ago.
            Map<String, Object> late = Map.of("task_id", heldId, "attempt", attempt, "success", true, "result",
                    Map.of("late", true));
            String refusal;
            if (!silent.isClosed()) {
                silent.send("task_complete", late);
                silent.read();
                JsonNode error = silent.next(f -> "error".equals(f.path("type").asText())
                        && heldId.equals(f.path("payload").path("task_id").asText()), Duration.ofSeconds(20),
                        "error about the held task");
                refusal = "error frame " + error.path("payload").path("code").asText();
                if (!REFUSALS.contains(error.path("payload").path("code").asText())) {
                    violations.add("the late report got " + refusal);
                }
            } else {
                HttpResponse<String> answer = env.api().postAs(1, "/api/v1/tasks/" + heldId + "/complete",
                        Api.JSON.writeValueAsString(late), token);
                refusal = "HTTP " + answer.statusCode() + " (its socket had been closed)";
                if (answer.statusCode() != 409 && answer.statusCode() != 403) {
                    violations.add("the late report over HTTP got " + answer.statusCode());
                }
            }
            figures.put("late_report_answered", refusal);
        }

        long completions = env.invariants().number("select count(*) from task_events where task_id = ?::uuid and "
                + "to_status = 'completed'", heldId);
        long fromSilent = env.invariants().number("select count(*) from task_events where task_id = ?::uuid and "
                + "to_status = 'completed' and attempt = 1", heldId);
        String causes = String.join(",", env.invariants().causes(HELD_TYPE, Invariants.TIMEOUT_CAUSES).keySet());
        figures.put("held_task_attempt_ended_by", causes);
        if (completions != 1) {
            violations.add("the held task was completed " + completions + " times");
        }
        if (fromSilent != 0) {
            violations.add("the silent bot's attempt was recorded as the completion");
        }
        Map<String, Object> checked = env.invariants().settleAndCheck(load, env.fleet(), Duration.ofSeconds(120));
        return FaultSuite.outcome(env, load, checked, violations, (tookOver - silentSince) / 1e9, figures);
    }
}
