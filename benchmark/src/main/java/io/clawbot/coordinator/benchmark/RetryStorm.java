package io.clawbot.coordinator.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A retry storm: 2,000 tasks that fail on every attempt, all at once, with a backoff of 1 s doubling (no jitter)
 * and three attempts. Every one reaches the dead letters; no retry starts before its backoff has passed (within
 * 100 ms: the failure's time and the assignment's come from the replicas' clocks, the due time from the
 * database's); and the
 * database work stays bounded: a few transactions per attempt, not a loop that polls the waiting retries.
 */
final class RetryStorm extends FaultSuite.Scenario {

    static final String TYPE = "storm";
    private static final int TASKS = 2000;
    private static final int ATTEMPTS = 3;
    /** Most database transactions an attempt may cost, all replicas together, before it counts as a hot loop. */
    private static final double TRANSACTIONS_PER_ATTEMPT_BOUND = 10;

    RetryStorm() {
        super("retry-storm", false);
    }

    @Override
    FaultSuite.Outcome play(FaultSuite.Env env) throws Exception {
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        long transactionsBefore = env.invariants().transactions();
        long started = System.nanoTime();
        Load load = new Load(env.api(), env.replicas(), TYPE, "{\"fail\": true}",
                "{\"max_attempts\": " + ATTEMPTS + ", \"backoff_seconds\": 1, \"backoff_multiplier\": 2, "
                        + "\"jitter\": 0}");
        for (int i = 0; i < TASKS; i++) {
            load.submit(i);
        }
        load.awaitAnswers();
        boolean allDead = FaultSuite.until(Duration.ofSeconds(120), () -> env.invariants().number(
                "select count(*) from tasks where type = ? and status = 'failed'", TYPE) >= load.submitted());
        double seconds = (System.nanoTime() - started) / 1e9;
        long transactions = env.invariants().transactions() - transactionsBefore;
        if (!allDead) {
            violations.add("not every task reached the dead letters within 120 s");
        }
        long wrongAttempts = env.invariants().number("select count(*) from tasks where type = ? and status = "
                + "'failed' and attempt <> ?", TYPE, ATTEMPTS);
        if (wrongAttempts > 0) {
            violations.add(wrongAttempts + " dead letters did not have exactly " + ATTEMPTS + " attempts");
        }
        // Each retry's assignment against the failure before it: attempt n+1 waits 2^(n-1) s after attempt n.
        String gaps = "from (select e.attempt, e.to_status, e.occurred_at, lag(e.occurred_at) over (partition by "
                + "e.task_id order by e.id) as before, lag(e.to_status) over (partition by e.task_id order by e.id) "
                + "as before_status from task_events e join tasks t on t.id = e.task_id where t.type = ?) x where "
                + "to_status = 'assigned' and attempt > 1 and before_status = 'pending'";
        long early = env.invariants().number("select count(*) " + gaps + " and occurred_at - before < "
                + "make_interval(secs => power(2, attempt - 2)) - interval '100 milliseconds'", TYPE);
        double latestLateness = env.invariants().number("select coalesce(max(extract(epoch from (occurred_at - "
                + "before - make_interval(secs => power(2, attempt - 2)))) * 1000), 0) " + gaps, TYPE) / 1000.0;
        double earliest = env.invariants().number("select coalesce(min(extract(epoch from (occurred_at - before "
                + "- make_interval(secs => power(2, attempt - 2)))) * 1000000), 0) " + gaps, TYPE) / 1000.0;
        figures.put("earliest_retry_against_its_backoff_ms", Percentiles.round(earliest));
        if (early > 0) {
            violations.add(early + " retries started before their backoff had passed");
        }
        double perAttempt = transactions / (double) Math.max(1, (long) load.submitted() * ATTEMPTS);
        figures.put("seconds_until_all_dead_lettered", Percentiles.round(seconds));
        figures.put("retries_started_early", early);
        figures.put("latest_retry_after_its_backoff_seconds", Percentiles.round(latestLateness));
        figures.put("transactions", transactions);
        figures.put("transactions_per_attempt", Percentiles.round(perAttempt));
        if (perAttempt > TRANSACTIONS_PER_ATTEMPT_BOUND) {
            violations.add(String.format("%.1f transactions per attempt (bound %.0f): a hot loop", perAttempt,
                    TRANSACTIONS_PER_ATTEMPT_BOUND));
        }
        return FaultSuite.outcome(env, load, Map.of(), violations, 0, figures);
    }
}
