package io.clawbot.coordinator.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replicas whose clocks disagree: replica 2 runs 30 s ahead and replica 3 30 s behind. A small library loaded with
 * {@code LD_PRELOAD} ({@code faults/clockshift.c}, compiled here with gcc) shifts their wall clock and leaves their
 * monotonic clock and timed waits alone, as NTP would. (libfaketime, Debian's {@code faketime}, also rewrites
 * timed waits: under it a JVM's timed parks return at once, its threads spin, and a replica takes minutes to start.)
 * Tasks are created through every replica and run by bots on every replica, and what their timing promises is
 * checked by the suite's own clock, from what the bots saw: a delayed task starts no earlier than its delay after
 * the request that created it, a retry no earlier than its backoff after the failure before it, an execution
 * timeout ends a run no earlier than its limit after the run began, a schedule's task starts no earlier than its
 * occurrence (every whole minute); and none of them more than a bound later (the dispatch tick, or for timeouts and
 * occurrences the sweep interval, plus 1 s). Every schedule fires each occurrence after its creation once, none
 * missed. Meanwhile 2,000 ordinary tasks run through the skewed replicas. Each replica keeps deadlines on the database's
 * clock, measured against PostgreSQL, so its own clock does not matter.
 */
final class ClockSkew extends FaultSuite.Scenario {

    static final String DELAYED_TYPE = "skew-delayed";
    static final String RETRIED_TYPE = "skew-retried";
    static final String TIMED_OUT_TYPE = "skew-timed-out";
    static final String SCHEDULED_TYPE = "skew-scheduled";
    /** Ordinary work through the skewed replicas while the schedules' occurrences are awaited. */
    static final String LOAD_TYPE = "skew-load";
    private static final int LOAD_TASKS = 2000;
    /** Slow enough that the fleet keeps free slots, so that an occurrence's task does not queue behind it. */
    private static final Duration LOAD_PACE = Duration.ofMillis(20);
    /** Schedules created through each replica. */
    private static final int SCHEDULES_PER_REPLICA = 2;
    /** Occurrences every schedule must have fired, at whole minutes, before the schedules are disabled. */
    private static final int OCCURRENCES = 2;
    /** Each replica's clock against the real one, in seconds. */
    private static final List<Integer> SKEWS = List.of(0, 30, -30);
    private static final int TASKS = 30;
    /** Each holds a slot until it times out: fewer than the fleet's slots. */
    private static final int TIMEOUTS = 12;
    private static final int DELAY_SECONDS = 3;
    private static final int BACKOFF_SECONDS = 2;
    private static final int TIMEOUT_SECONDS = 2;
    /** Earlier than promised by more than this counts as early: the bots' and the suite's clocks are one clock. */
    private static final long EARLY_TOLERANCE_MS = 100;
    /**
     * Dispatch waits at most for the tick (1 s in the suite) when a timer is missed; a timeout for the sweep (1 s);
     * plus a second of slack for two cores shared by three replicas, the bots and the load (as no-eligible-bot).
     */
    private static final long LATE_BOUND_MS = 2000;

    ClockSkew() {
        super("clock-skew", false);
    }

    @Override
    FaultSuite.Outcome play(FaultSuite.Env env) throws Exception {
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        Path shim = compileShim();
        Replicas replicas = env.replicas();
        Load delayed = new Load(env.api(), replicas, DELAYED_TYPE, "{\"sleep_ms\": 10}", Load.GENEROUS_RETRIES,
                "\"delay_seconds\": " + DELAY_SECONDS);
        Load retried = new Load(env.api(), replicas, RETRIED_TYPE, "{\"fail\": true}", "{\"max_attempts\": 2, "
                + "\"backoff_seconds\": " + BACKOFF_SECONDS + ", \"jitter\": 0}");
        Load timedOut = new Load(env.api(), replicas, TIMED_OUT_TYPE, "{\"sleep_ms\": 8000}",
                "{\"max_attempts\": 1}", "\"timeout_seconds\": " + TIMEOUT_SECONDS);
        Map<String, Long> createdAfter = new LinkedHashMap<>();
        List<String> retriedIds = new ArrayList<>();
        List<String> timedOutIds = new ArrayList<>();
        Load load = new Load(env.api(), replicas, LOAD_TYPE);
        Map<String, long[]> schedules = new LinkedHashMap<>();
        try {
            for (int r = 1; r < replicas.count(); r++) {
                System.out.printf("restarting replica %d with its clock %+d s off%n", r + 1, SKEWS.get(r));
                replicas.restartWith(r, Map.of("LD_PRELOAD", shim.toString(), "CLOCKSHIFT_SECONDS",
                        Integer.toString(SKEWS.get(r))));
            }
            for (int r = 1; r < replicas.count(); r++) {
                long offset = measuredOffsetMillis(replicas.log(r));
                figures.put("replica_" + (r + 1) + "_clock_offset_from_database_ms", offset);
                if (Math.abs(offset + SKEWS.get(r) * 1000L) > 1000) {
                    violations.add("replica " + (r + 1) + "'s clock was not " + SKEWS.get(r) + " s off: it measured "
                            + offset + " ms against the database");
                }
            }
            // Bots back on every replica, so that the skewed ones dispatch and take reports too.
            for (int b = 0; b < env.fleet().size(); b++) {
                env.fleet().restartOn(b, b % replicas.count());
            }
            if (!FaultSuite.until(Duration.ofSeconds(30), () -> env.fleet().connected() == env.fleet().size())) {
                violations.add("the bots did not all connect again after the skewed restarts");
            }
            for (int r = 0; r < replicas.count(); r++) {
                for (int k = 0; k < SCHEDULES_PER_REPLICA; k++) {
                    long before = System.currentTimeMillis();
                    String id = createSchedule(env, r, "skew-" + r + "-" + k);
                    schedules.put(id, new long[]{ before, System.currentTimeMillis(), 0, 0 });
                }
            }
            // One kind at a time, each well within the fleet's 18 slots, so that no task waits for a free bot.
            for (int i = 0; i < TIMEOUTS; i++) {
                timedOutIds.add(timedOut.submitNow(i, i % replicas.count()));
            }
            awaitEnded(env, TIMED_OUT_TYPE, "timed_out", TIMEOUTS);
            for (int i = 0; i < TASKS; i++) {
                long before = System.currentTimeMillis();
                createdAfter.put(delayed.submitNow(i, i % replicas.count()), before);
            }
            awaitEnded(env, DELAYED_TYPE, "completed", TASKS);
            for (int i = 0; i < TASKS; i++) {
                retriedIds.add(retried.submitNow(i, i % replicas.count()));
            }
            awaitEnded(env, RETRIED_TYPE, "failed", TASKS);
            long lastCreated = schedules.values().stream().mapToLong(times -> times[1]).max().orElseThrow();
            long awaited = (lastCreated / 60_000 + OCCURRENCES) * 60_000 + 3_000;
            System.out.printf("running %d tasks until the schedules' occurrences %d s from now have fired%n",
                    LOAD_TASKS, (awaited - System.currentTimeMillis()) / 1000);
            for (int i = 0; i < LOAD_TASKS; i++) {
                load.submit(i);
                Thread.sleep(LOAD_PACE.toMillis());
            }
            load.awaitAnswers();
            Thread.sleep(Math.max(0, awaited - System.currentTimeMillis()));
            for (Map.Entry<String, long[]> schedule : schedules.entrySet()) {
                schedule.getValue()[2] = System.currentTimeMillis();
                HttpResponse<String> disabled = env.api().post(0, "/api/v1/schedules/" + schedule.getKey()
                        + "/disable", "{}");
                schedule.getValue()[3] = System.currentTimeMillis();
                if (disabled.statusCode() != 200) {
                    violations.add("disabling a schedule answered " + disabled.statusCode());
                }
            }
        } finally {
            for (int r = 1; r < replicas.count(); r++) {
                replicas.restartWith(r, Map.of());
            }
        }

        Lateness delays = new Lateness("delayed start");
        createdAfter.forEach((id, before) -> delays.add(env.fleet().startedAt(id, 1),
                before + DELAY_SECONDS * 1000L));
        Lateness backoffs = new Lateness("retry after backoff");
        for (String id : retriedIds) {
            Long failed = env.fleet().endedAt(id, 1);
            backoffs.add(env.fleet().startedAt(id, 2), failed == null ? null : failed + BACKOFF_SECONDS * 1000L);
        }
        Lateness timeouts = new Lateness("execution timeout");
        for (String id : timedOutIds) {
            Long began = env.fleet().startedAt(id, 1);
            timeouts.add(env.fleet().endedAt(id, 1), began == null ? null : began + TIMEOUT_SECONDS * 1000L);
        }
        Lateness occurrences = new Lateness("scheduled occurrence");
        int fired = 0;
        for (Map.Entry<String, long[]> schedule : schedules.entrySet()) {
            fired += checkOccurrences(env, schedule.getKey(), schedule.getValue(), occurrences, violations);
        }
        figures.put("schedules", schedules.size());
        figures.put("occurrences_fired", fired);
        for (Lateness lateness : List.of(delays, backoffs, timeouts, occurrences)) {
            figures.put(lateness.what.replace(' ', '_') + "_ms_after_due", lateness.figures());
            lateness.check(violations);
        }
        long timedOutRight = env.invariants().number("select count(*) from tasks where type = ? and status = "
                + "'timed_out'", TIMED_OUT_TYPE);
        if (timedOutRight != TIMEOUTS) {
            violations.add((TIMEOUTS - timedOutRight) + " tasks with an execution timeout did not end timed_out");
        }
        long deadRight = env.invariants().number("select count(*) from tasks where type = ? and status = 'failed' "
                + "and attempt = 2", RETRIED_TYPE);
        if (deadRight != TASKS) {
            violations.add((TASKS - deadRight) + " failing tasks did not end failed after exactly 2 attempts");
        }
        FaultSuite.checkInto(env, delayed, Duration.ofSeconds(60), violations);
        Map<String, Object> checked = env.invariants().settleAndCheck(load, env.fleet(), Duration.ofSeconds(60));
        return FaultSuite.outcome(env, load, checked, violations, 0, figures)
                .plusTasks(delayed.submitted() + retried.submitted() + timedOut.submitted() + fired);
    }

    /** Creates a schedule firing a short task every minute through {@code replica}; its id. */
    private static String createSchedule(FaultSuite.Env env, int replica, String name) throws Exception {
        String body = "{\"name\": \"" + name + "-" + System.nanoTime() + "\", \"cron\": \"* * * * *\", "
                + "\"template\": {\"type\": \"" + SCHEDULED_TYPE + "\", \"payload\": {\"sleep_ms\": 10}, "
                + "\"retry\": " + Load.GENEROUS_RETRIES + "}}";
        HttpResponse<String> created = env.api().post(replica, "/api/v1/schedules", body);
        if (created.statusCode() != 201) {
            throw new IllegalStateException("a schedule was not created: " + created.statusCode() + " "
                    + created.body());
        }
        return Api.JSON.readTree(created.body()).path("id").asText();
    }

    /**
     * Checks one schedule's occurrences from the idempotency keys of the tasks it created ({@code
     * schedule:<id>:<occurrence ms>}): each whole minute after it was created and before it was disabled fired
     * once (a minute while either request was on its way may or may not have), and when a bot started each
     * occurrence's task. {@code times}: before and after the creation, before and after the disabling. Returns
     * how many occurrences fired.
     */
    private static int checkOccurrences(FaultSuite.Env env, String id, long[] times, Lateness lateness,
            List<String> violations) throws Exception {
        List<Map.Entry<String, String>> created = env.invariants().pairs("select key, resource_id::text from "
                + "idempotency_keys where key like ? order by key", "schedule:" + id + ":%");
        List<Long> occurrences = new ArrayList<>();
        for (Map.Entry<String, String> task : created) {
            long at = Long.parseLong(task.getKey().substring(task.getKey().lastIndexOf(':') + 1));
            occurrences.add(at);
            lateness.add(env.fleet().startedAt(task.getValue(), 1), at);
        }
        for (long minute = (times[0] / 60_000 + 1) * 60_000; minute <= times[3]; minute += 60_000) {
            boolean certain = minute > times[1] && minute < times[2];
            if (certain && !occurrences.contains(minute)) {
                violations.add("schedule " + id + " did not fire its occurrence at " + Instant.ofEpochMilli(minute));
            }
        }
        for (long at : occurrences) {
            if (at % 60_000 != 0 || at <= times[0] || at > times[3]) {
                violations.add("schedule " + id + " fired an occurrence at " + Instant.ofEpochMilli(at)
                        + ", not a whole minute while it was enabled");
            }
        }
        long tasks = env.invariants().number("select count(*) from tasks where type = ? and id in (select "
                + "resource_id from idempotency_keys where key like ?)", SCHEDULED_TYPE, "schedule:" + id + ":%");
        if (tasks != occurrences.size()) {
            violations.add("schedule " + id + " has " + tasks + " tasks for " + occurrences.size() + " occurrences");
        }
        return occurrences.size();
    }

    /**
     * The offset of the database's clock from the replica's that the replica logged last ("this replica's clock is
     * N ms off the database's"): minus its skew.
     */
    private static long measuredOffsetMillis(Path log) throws Exception {
        Pattern said = Pattern.compile("this replica's clock is (-?\\d+) ms off");
        long offset = 0;
        for (String line : Files.readAllLines(log)) {
            Matcher m = said.matcher(line);
            if (m.find()) {
                offset = Long.parseLong(m.group(1));
            }
        }
        return offset;
    }

    /** Compiles the clock-shifting library from the suite's resources into the work folder. */
    private static Path compileShim() throws Exception {
        Path work = Path.of("target", "faults").toAbsolutePath();
        Path source = work.resolve("clockshift.c");
        Path library = work.resolve("clockshift.so");
        try (var in = ClockSkew.class.getResourceAsStream("/faults/clockshift.c")) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-o", library.toString(), source.toString(),
                "-ldl").inheritIO().start();
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc could not build " + source);
        }
        return library;
    }

    private static void awaitEnded(FaultSuite.Env env, String type, String status, int count) throws Exception {
        FaultSuite.until(Duration.ofSeconds(60), () -> env.invariants().number("select count(*) from tasks where "
                + "type = ? and status = ?", type, status) >= count);
    }

    /** How much later than due each event came, by the suite's clock; an event missing counts as a violation. */
    private static final class Lateness {
        final String what;
        final List<Long> late = new ArrayList<>();
        int missing;

        Lateness(String what) {
            this.what = what;
        }

        void add(Long happened, Long due) {
            if (happened == null || due == null) {
                missing++;
            } else {
                late.add(happened - due);
            }
        }

        Map<String, Object> figures() {
            List<Long> sorted = late.stream().sorted().toList();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("min", sorted.isEmpty() ? null : sorted.getFirst());
            out.put("p50", sorted.isEmpty() ? null : sorted.get(sorted.size() / 2));
            out.put("max", sorted.isEmpty() ? null : sorted.getLast());
            out.put("missing", missing);
            return out;
        }

        void check(List<String> violations) {
            long early = late.stream().filter(ms -> ms < -EARLY_TOLERANCE_MS).count();
            long tooLate = late.stream().filter(ms -> ms > LATE_BOUND_MS).count();
            if (early > 0) {
                violations.add(early + " × " + what + " early (by up to " + -late.stream().min(Long::compare)
                        .orElse(0L) + " ms)");
            }
            if (tooLate > 0) {
                violations.add(tooLate + " × " + what + " more than " + LATE_BOUND_MS + " ms late (up to "
                        + late.stream().max(Long::compare).orElse(0L) + " ms)");
            }
            if (missing > 0) {
                violations.add(missing + " × " + what + " never seen by a bot");
            }
        }
    }
}
