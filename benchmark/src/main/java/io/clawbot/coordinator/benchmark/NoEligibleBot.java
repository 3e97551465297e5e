package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tasks of a type no bot has: they wait, {@code explain} says that no bot is registered for it, the coordinator
 * does not spin on them (the database's transaction rate while they wait stays near its idle rate), and a
 * {@code schedule_to_start_seconds} ends them as {@code timed_out} within the documented bound: the sweep interval
 * (1 s) plus a second of slack, plus the time the sweeps take to write a burst that falls due together, at no less
 * than 200 tasks a second for the replicas together (a sweep reads another batch at once while the last was full;
 * each expiry is its own transaction, and every replica's sweep reads the same earliest rows, so the replicas
 * together write about as fast as one).
 */
final class NoEligibleBot extends FaultSuite.Scenario {

    private static final int TASKS = 2000;
    private static final int SCHEDULE_TO_START_SECONDS = 8;
    /** Expiries the replicas' sweeps write a second, at least, when thousands fall due together. */
    private static final double SWEEP_RATE = 200;
    private static final double LATENESS_BOUND_SECONDS = 2.0 + TASKS / SWEEP_RATE;
    /** More transactions a second while the tasks wait than when idle: anything above is a busy loop. */
    private static final double BUSY_LOOP_MARGIN = 30;

    NoEligibleBot() {
        super("no-eligible-bot", true);
    }

    @Override
    FaultSuite.Outcome play(FaultSuite.Env env) throws Exception {
        String type = "nobody-" + UUID.randomUUID().toString().substring(0, 8);
        double idleRate = transactionRate(env, Duration.ofSeconds(3));
        Load load = new Load(env.api(), env.replicas(), type, "{}", "{\"max_attempts\": 1}",
                "\"schedule_to_start_seconds\": " + SCHEDULE_TO_START_SECONDS);
        // In batches, so that they are all waiting well before the first one's schedule_to_start passes.
        load.submitInBatches(TASKS, 500);
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();

        long some = env.invariants().number("select count(*) from tasks where type = ?", type);
        String first = env.api().get(0, "/api/v1/tasks?type=" + type + "&limit=1", Duration.ofSeconds(5)).body();
        String taskId = Api.JSON.readTree(first).path(0).path("id").asText();
        JsonNode why = Api.JSON.readTree(env.api().get(1, "/api/v1/tasks/" + taskId + "/explain",
                Duration.ofSeconds(5)).body());
        List<String> codes = new ArrayList<>();
        why.path("reasons").forEach(r -> codes.add(r.path("code").asText()));
        figures.put("explain_codes", codes);
        if (!codes.contains("no_bot_registered")) {
            violations.add("explain says " + codes + ", not no_bot_registered");
        }

        double waitingRate = transactionRate(env, Duration.ofSeconds(3));
        figures.put("transactions_per_second_idle", Percentiles.round(idleRate));
        figures.put("transactions_per_second_while_waiting", Percentiles.round(waitingRate));
        if (waitingRate > idleRate + BUSY_LOOP_MARGIN) {
            violations.add(String.format("%.0f transactions/s while the tasks wait, %.0f when idle: a busy loop",
                    waitingRate, idleRate));
        }

        boolean ended = FaultSuite.until(Duration.ofSeconds(SCHEDULE_TO_START_SECONDS + 15), () -> env.invariants()
                .number("select count(*) from tasks where type = ? and status = 'timed_out'", type) == some);
        if (!ended) {
            violations.add("not every task timed out within " + (SCHEDULE_TO_START_SECONDS + 15) + " s");
        }
        long byCause = env.invariants().number("select count(*) from task_events e join tasks t on t.id = e.task_id "
                + "where t.type = ? and e.cause = 'schedule_to_start_timeout'", type);
        if (byCause != some) {
            violations.add(byCause + " of " + some + " ended by schedule_to_start_timeout");
        }
        double lateness = env.invariants().number("select coalesce(max(extract(epoch from e.occurred_at - "
                + "t.created_at) * 1000), 0) from task_events e join tasks t on t.id = e.task_id where t.type = ? "
                + "and e.cause = 'schedule_to_start_timeout'", type) / 1000.0 - SCHEDULE_TO_START_SECONDS;
        figures.put("latest_timeout_after_its_time_seconds", Percentiles.round(lateness));
        if (lateness > LATENESS_BOUND_SECONDS || lateness < 0) {
            violations.add(String.format("a task timed out %.2f s after its schedule_to_start (bound %.1f s)",
                    lateness, LATENESS_BOUND_SECONDS));
        }
        return FaultSuite.outcome(env, load, Map.of(), violations, 0, figures);
    }

    private static double transactionRate(FaultSuite.Env env, Duration over) throws Exception {
        long before = env.invariants().transactions();
        long start = System.nanoTime();
        Thread.sleep(over.toMillis());
        // PostgreSQL publishes its statistics at most once a second per backend: a window of seconds evens it out.
        return (env.invariants().transactions() - before) / ((System.nanoTime() - start) / 1e9);
    }
}
