package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.clawbot.coordinator.botclient.BotClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A task a bot accepts before it drops out of sight (silent, cut off), the bot that takes it over, and the late
 * report of the first bot's attempt. What must hold is the same whatever hid the bot: the task runs to its end
 * elsewhere, the late report is refused, and the task is completed exactly once, not by the late attempt.
 */
final class HeldTask {

    /** The refusals a stale report may get: its attempt is no longer current, or no longer this bot's. */
    static final Set<String> REFUSALS = Set.of("stale_attempt", "not_assigned", "invalid_transition");

    /** The task and the attempt the first bot accepted. */
    record Held(String id, int attempt) {
    }

    private HeldTask() {
    }

    /** Creates a task of the type only {@code bot} can run, has it accepted, and returns which attempt it holds. */
    static Held accept(FaultSuite.Env env, RawBot bot, String type) throws Exception {
        String id = env.api().createTask(0, "{\"type\": \"" + type + "\", \"retry\": {\"max_attempts\": 10, "
                + "\"backoff_seconds\": 0.2}}").path("id").asText();
        int attempt = bot.next("task_assigned", Duration.ofSeconds(10)).path("payload").path("attempt").asInt();
        bot.send("task_accepted", Map.of("task_id", id, "attempt", attempt));
        bot.next("task_ack", Duration.ofSeconds(10));
        return new Held(id, attempt);
    }

    /**
     * Connects a well-behaved bot of the held task's type to replica 2 and waits until the task is completed.
     *
     * @return whether it was within 90 s
     */
    static boolean rescue(FaultSuite.Env env, String type, String taskId) throws Exception {
        JsonNode rescuer = env.api().registerBot(1, "rescuer-" + type, List.of(type));
        try (BotClient other = BotClient.builder().uris(env.replicas().controlUris(1))
                .token(rescuer.path("token").asText()).handler(task -> Map.of("rescued", task.attempt())).build()) {
            other.start().get(30, TimeUnit.SECONDS);
            // The first bot's slot is free once its attempt lapsed, and it may be offered the task again (an offer
            // it never accepts ends by the acknowledgement timeout): attempts enough for a few of those.
            return FaultSuite.until(Duration.ofSeconds(90), () -> env.invariants().number(
                    "select count(*) from tasks where id = ?::uuid and status = 'completed'", taskId) == 1);
        }
    }

    /**
     * Reports the attempt complete over the bot's socket if it is still open, else over HTTP with its token, and
     * adds a violation unless it is refused.
     *
     * @return how it was answered, in words
     */
    static String reportLate(FaultSuite.Env env, RawBot bot, String token, String taskId, int attempt,
            List<String> violations) throws Exception {
        Map<String, Object> late = Map.of("task_id", taskId, "attempt", attempt, "success", true, "result",
                Map.of("late", true));
        if (!bot.isClosed()) {
            bot.send("task_complete", late);
            bot.read();
            JsonNode error = bot.next(f -> "error".equals(f.path("type").asText())
                    && taskId.equals(f.path("payload").path("task_id").asText()), Duration.ofSeconds(20),
                    "error about the late task");
            String code = error.path("payload").path("code").asText();
            if (!REFUSALS.contains(code)) {
                violations.add("the late report got the error frame " + code);
            }
            return "error frame " + code;
        }
        HttpResponse<String> answer = env.api().postAs(1, "/api/v1/tasks/" + taskId + "/complete",
                Api.JSON.writeValueAsString(late), token);
        if (answer.statusCode() != 409 && answer.statusCode() != 403) {
            violations.add("the late report over HTTP got " + answer.statusCode());
        }
        return "HTTP " + answer.statusCode() + " (its socket had been closed)";
    }

    /** Adds a violation unless the task was completed exactly once, by an attempt other than {@code late}. */
    static void checkCompletedOnceElsewhere(FaultSuite.Env env, String taskId, int late, List<String> violations)
            throws Exception {
        long completions = env.invariants().number("select count(*) from task_events where task_id = ?::uuid and "
                + "to_status = 'completed'", taskId);
        long fromLate = env.invariants().number("select count(*) from task_events where task_id = ?::uuid and "
                + "to_status = 'completed' and attempt = ?", taskId, late);
        if (completions != 1) {
            violations.add("the held task was completed " + completions + " times");
        }
        if (fromLate != 0) {
            violations.add("the late attempt " + late + " was recorded as the completion");
        }
    }
}
