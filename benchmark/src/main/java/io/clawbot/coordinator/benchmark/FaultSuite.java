package io.clawbot.coordinator.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault suite: failures a bot fleet meets, each played against three coordinator replicas over one PostgreSQL
 * and one Redis (started here, on free ports, under {@code target/faults}), with bots that record every attempt
 * they ran. After each scenario the invariants of the scale-out check hold for its tasks (every task stored once
 * and ended as expected, none completed twice, no completion from an attempt other than the current one or from
 * one no bot ran, attempts never going backwards), and so does what the scenario itself promises.
 *
 * <p>
 * Prints a table (scenario, tasks, lost, done twice, violations, recovery time), writes it with every figure to a
 * JSON report, and exits 1 on any violation. Options ({@code --name value}): {@code app}
 * (bootstrap/target/quarkus-app/quarkus-run.jar), {@code only} (scenario names, comma-separated), {@code quick}
 * ({@code true}: only the quick scenarios, as {@code scripts/test.sh} runs them), {@code report}
 * (target/fault-report.json).
 */
public final class FaultSuite {

    /** One failure, played and checked. */
    abstract static class Scenario {

        private final String name;
        private final boolean quick;

        /** @param quick whether it takes well under a minute, so that every test run plays it */
        Scenario(String name, boolean quick) {
            this.name = name;
            this.quick = quick;
        }

        final String name() {
            return name;
        }

        final boolean quick() {
            return quick;
        }

        /** Plays the failure and checks what must hold afterwards. */
        abstract Outcome play(Env env) throws Exception;
    }

    /** What the scenarios are played against. */
    record Env(Replicas replicas, Api api, Fleet fleet, Invariants invariants, StoppableRedis redis,
            LoopbackProxy redisLink, StoppablePostgres postgres) {
    }

    /**
     * A scenario's result.
     *
     * @param lost tasks accepted by the coordinator that are missing or never ended
     * @param twice tasks completed more than once
     * @param violations each broken promise, in words; none when it passed
     * @param recoverySeconds how long the service took to be whole again after the fault ended (what "whole"
     *        means is the scenario's)
     */
    record Outcome(int tasks, long lost, long twice, List<String> violations, double recoverySeconds,
            Map<String, Object> figures) {

        /** The same, counting tasks of the scenario's other loads, checked by {@link FaultSuite#checkInto}. */
        Outcome plusTasks(int more) {
            return new Outcome(tasks + more, lost, twice, violations, recoverySeconds, figures);
        }
    }

    /** The fleet's capabilities: every scenario's work but what one bot alone must take first. */
    static final List<String> TYPES = List.of(FrozenReplica.TYPE, PoisonTask.TYPE, PoisonTask.PILL_TYPE,
            SilentBot.TYPE, NetworkCut.TYPE, PoolExhausted.TYPE, SlowReader.TYPE, SlowReader.BEFORE_TYPE,
            SlowRedis.WARM_UP_TYPE,
            SlowRedis.LOCAL_TYPE + "-prompt",
            SlowRedis.LOCAL_TYPE + "-slow",
            RetryStorm.TYPE, PostgresDown.TYPE,
            ClockSkew.DELAYED_TYPE, ClockSkew.RETRIED_TYPE, ClockSkew.TIMED_OUT_TYPE, ClockSkew.SCHEDULED_TYPE,
            ClockSkew.LOAD_TYPE);

    private static final List<Scenario> SCENARIOS = List.of(new NoEligibleBot(), new SilentBot(), new NetworkCut(),
            new PoisonTask(), new SlowRedis(), new PoolExhausted(),
            new SlowReader(),
            new FrozenReplica(), new RetryStorm(), new PostgresDown(), new ClockSkew());

    private FaultSuite() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Map<String, String> opts = Benchmark.options(args);
        Path app = Path.of(opts.getOrDefault("app", "bootstrap/target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(app)) {
            System.err.println("no coordinator at " + app + "; build it first (scripts/fault-suite.sh does)");
            System.exit(2);
        }
        List<Scenario> chosen = choose(opts);
        Path work = Path.of("target", "faults");
        Files.createDirectories(work);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        try (StoppablePostgres postgres = new StoppablePostgres(work.resolve("postgres"), "clawbot_faults");
                StoppableRedis redis = new StoppableRedis();
                // The replicas reach Redis through a proxy, so that a scenario can slow it down.
                LoopbackProxy redisLink = new LoopbackProxy(redis.port());
                Replicas replicas = new Replicas(3, app, work, postgres.url("clawbot_faults"),
                        "redis://127.0.0.1:" + redisLink.port())) {
            replicas.startAll();
            Api api = new Api(replicas);
            Invariants invariants = new Invariants("jdbc:postgresql://127.0.0.1:" + postgres.port()
                    + "/clawbot_faults");
            try (Fleet fleet = Fleet.connect(api, replicas, 9, 2, TYPES)) {
                Env env = new Env(replicas, api, fleet, invariants, redis, redisLink, postgres);
                for (Scenario scenario : chosen) {
                    System.out.printf("%n== %s%n", scenario.name());
                    long t0 = System.nanoTime();
                    Outcome outcome;
                    try {
                        outcome = scenario.play(env);
                    } catch (Exception | AssertionError e) {
                        e.printStackTrace();
                        outcome = new Outcome(0, 0, 0, List.of("the scenario broke off: " + e), 0, Map.of());
                    }
                    outcomes.put(scenario.name(), outcome);
                    System.out.printf("%s: %s in %.0f s%n", scenario.name(),
                            outcome.violations().isEmpty() ? "held" : "VIOLATED " + outcome.violations(),
                            (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        String table = table(outcomes);
        System.out.println();
        System.out.print(table);
        boolean ok = outcomes.values().stream().allMatch(o -> o.violations().isEmpty());
        Path reportFile = Path.of(opts.getOrDefault("report", "target/fault-report.json"));
        Files.createDirectories(reportFile.toAbsolutePath().getParent());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("ok", ok);
        report.put("scenarios", outcomes);
        report.put("table", table.lines().toList());
        Files.writeString(reportFile, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.printf("fault suite %s; report in %s; total wall time %.0f s%n", ok ? "passed" : "FAILED",
                reportFile, (System.nanoTime() - started) / 1e9);
        System.exit(ok ? 0 : 1);
    }

    private static List<Scenario> choose(Map<String, String> opts) {
        List<Scenario> chosen = new ArrayList<>(SCENARIOS);
        if (Boolean.parseBoolean(opts.getOrDefault("quick", "false"))) {
            chosen.removeIf(s -> !s.quick());
        }
        if (opts.containsKey("only")) {
            List<String> names = Arrays.asList(opts.get("only").split(","));
            List<String> unknown = names.stream()
                    .filter(n -> SCENARIOS.stream().noneMatch(s -> s.name().equals(n))).toList();
            if (!unknown.isEmpty()) {
                System.err.println("no scenario " + unknown + "; there are "
                        + SCENARIOS.stream().map(Scenario::name).toList());
                System.exit(2);
            }
            chosen.removeIf(s -> !names.contains(s.name()));
        }
        return chosen;
    }

    static String table(Map<String, Outcome> outcomes) {
        StringBuilder out = new StringBuilder(String.format("%-18s %6s %5s %6s %10s %9s  %s%n", "scenario", "tasks",
                "lost", "twice", "violations", "recovery", "what broke"));
        outcomes.forEach((name, o) -> out.append(String.format("%-18s %6d %5d %6d %10d %8.1fs  %s%n", name,
                o.tasks(), o.lost(), o.twice(), o.violations().size(), o.recoverySeconds(),
                o.violations().isEmpty() ? "-" : String.join("; ", o.violations()))));
        return out.toString();
    }

    /**
     * The invariants of a batch of tasks of one type as an outcome: lost and double from the database, every
     * {@link Violation} of the check in words, and the scenario's own figures and violations added.
     */
    static Outcome outcome(Env env, Load load, Map<String, Object> checked, List<String> ownViolations,
            double recoverySeconds, Map<String, Object> figures) throws Exception {
        long ended = env.invariants().number("select count(*) from tasks where type = ? and status in "
                + "('completed', 'failed', 'timed_out', 'cancelled', 'skipped')", load.type());
        long twice = env.invariants().number("select count(*) from (select e.task_id from task_events e join "
                + "tasks t on t.id = e.task_id where t.type = ? and e.to_status = 'completed' group by e.task_id "
                + "having count(*) > 1) x", load.type());
        List<String> violations = new ArrayList<>();
        checked.forEach((key, value) -> {
            if (value instanceof Violation v) {
                violations.add(key + ": " + v);
            }
        });
        violations.addAll(ownViolations);
        Map<String, Object> all = new LinkedHashMap<>(checked);
        all.putAll(figures);
        return new Outcome(load.submitted(), Math.max(0, load.submitted() - ended), twice, violations,
                Percentiles.round(recoverySeconds), all);
    }

    /**
     * Waits until a load's tasks have ended and adds what the invariants found broken for them, named by the load's
     * type: for a load beside the one a scenario's outcome reports.
     */
    static void checkInto(Env env, Load load, Duration timeout, List<String> violations) throws Exception {
        env.invariants().settleAndCheck(load, env.fleet(), timeout).forEach((key, value) -> {
            if (value instanceof Violation v) {
                violations.add(load.type() + ", " + key + ": " + v);
            }
        });
    }

    /** Waits until {@code condition} holds, checking every 200 ms; whether it did within {@code timeout}. */
    static boolean until(Duration timeout, Check condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return true;
            }
            Thread.sleep(200);
        }
        return condition.holds();
    }

    interface Check {
        boolean holds() throws Exception;
    }
}
