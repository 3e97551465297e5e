package io.clawbot.coordinator.benchmark;

import io.clawbot.coordinator.embedded.EmbeddedPostgres;
import io.clawbot.coordinator.embedded.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scale-out check: three coordinator processes on different ports over one PostgreSQL and one Redis (both
 * started here, on free ports), with bots spread across them, taken through four phases.
 * <ol>
 * <li>{@link CrossReplicaProbes}: a probe bot on replica 2 alone. The latency from a submission to the bot's
 * receipt through its own replica, through replica 1 (Redis's work hint wakes replica 2) and through replica 1
 * with Redis stopped (only replica 2's dispatch tick finds the task) is measured and reported, never asserted.
 * A manual assignment and a cancel made through replica 1 must reach the bot through Redis's relay; a broadcast
 * through replica 1 is tried and its status reported.</li>
 * <li>{@link ChaosLoad}: a few thousand tasks while one replica is killed with SIGKILL and restarted, Redis is
 * stopped and started, and a bot is cut off and reconnected to another replica.</li>
 * <li>{@link RollingRestart}: a second batch while each replica in turn is stopped with SIGTERM and restarted;
 * besides the invariants no attempt of it may end by a timeout.</li>
 * <li>{@link KeyedRace}: thirty bots of their own, ten on each replica, race over the tasks of one concurrency
 * key with a limit of 5; the history must show exactly 5 of them held at the most.</li>
 * </ol>
 * After each batch an invariant check over the database and the bots' own records ({@link Invariants}): every
 * task ended and completed, none lost, none completed twice, attempts only increasing, and no completion accepted
 * from an attempt other than the current one or one that no bot ran. Prints what it finds and its wall time,
 * writes a JSON report, exits 1 on any violation.
 *
 * <p>Options ({@code --name value}): {@code app} (bootstrap/target/quarkus-app/quarkus-run.jar), {@code tasks}
 * (3000, the first batch), {@code rolling-tasks} (1500, the second), {@code keyed-tasks} (1000, the keyed race), {@code bots} (9), {@code slots} (2),
 * {@code report} (target/scale-out-report.json), {@code phases}
 * ({@code chaos,keyed}: the first three phases and the keyed race; either alone for a quicker look), {@code timeout-seconds} (240, for each batch to end).
 */
public final class ScaleOutCheck {

    /** The replicas' dispatch tick: the longest a task waits for a bot's replica to look, without Redis's hints. */
    static final Duration TICK = Duration.ofSeconds(1);
    private static final int REPLICAS = 3;
    /** Replica 2 holds the probe bot; replica 1 is where the requests about it go. */
    private static final int PROBE_REPLICA = 1;
    private static final int OTHER_REPLICA = 0;
    private static final String CHAOS_TYPE = "scale";
    private static final String ROLLING_TYPE = "rolling";

    private final Replicas replicas;
    private final StoppableRedis redis;
    private final Invariants invariants;
    private final Api api;

    private ScaleOutCheck(Replicas replicas, StoppableRedis redis, Invariants invariants) {
        this.replicas = replicas;
        this.redis = redis;
        this.invariants = invariants;
        this.api = new Api(replicas);
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Map<String, String> opts = Benchmark.options(args);
        Path app = Path.of(opts.getOrDefault("app", "bootstrap/target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(app)) {
            System.err.println("no coordinator at " + app + "; build it first (scripts/scale-out-check.sh does)");
            System.exit(2);
        }
        Path work = Path.of("target", "scale-out");
        Files.createDirectories(work);
        EmbeddedPostgres postgres = EmbeddedPostgres.start(work.resolve("postgres"), FreePort.find());
        postgres.createDatabase("clawbot_scale");
        int exit;
        try (StoppableRedis redis = new StoppableRedis();
                Replicas replicas = new Replicas(REPLICAS, app, work, postgres.url("clawbot_scale"), redis.url())) {
            Invariants invariants = new Invariants("jdbc:postgresql://127.0.0.1:" + postgres.port()
                    + "/clawbot_scale");
            exit = new ScaleOutCheck(replicas, redis, invariants).run(opts);
        } finally {
            postgres.close();
        }
        System.out.printf("total wall time %.0f s%n", (System.nanoTime() - started) / 1e9);
        System.exit(exit);
    }

    private int run(Map<String, String> opts) throws Exception {
        int tasks = Integer.parseInt(opts.getOrDefault("tasks", "3000"));
        int rollingTasks = Integer.parseInt(opts.getOrDefault("rolling-tasks", "1500"));
        int keyedTasks = Integer.parseInt(opts.getOrDefault("keyed-tasks", "1000"));
        int bots = Integer.parseInt(opts.getOrDefault("bots", "9"));
        int slots = Integer.parseInt(opts.getOrDefault("slots", "2"));
        Path reportFile = Path.of(opts.getOrDefault("report", "target/scale-out-report.json"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("timeout-seconds", "240")));
        List<String> phases = List.of(opts.getOrDefault("phases", "chaos,keyed").split(","));

        replicas.startAll();
        System.out.printf("%d replicas up on %s, %s, %s%n", REPLICAS, replicas.base(0), replicas.base(1),
                replicas.base(2));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("dispatch_tick_interval_ms", TICK.toMillis());
        if (phases.contains("chaos")) {
            try (Fleet fleet = Fleet.connect(api, replicas, bots, slots, List.of(CHAOS_TYPE, ROLLING_TYPE))) {
                System.out.printf("%d bots connected, %d per replica%n", bots, bots / REPLICAS);
                try (ProbeBot probe = ProbeBot.connect(api, replicas, PROBE_REPLICA)) {
                    report.putAll(new CrossReplicaProbes(api, replicas, redis, probe, PROBE_REPLICA, OTHER_REPLICA,
                            TICK.toMillis()).run());
                }
                report.putAll(new ChaosLoad(replicas, redis, fleet, invariants).run(new Load(api, replicas,
                        CHAOS_TYPE), tasks, timeout));
                report.putAll(new RollingRestart(replicas, fleet, invariants).run(new Load(api, replicas,
                        ROLLING_TYPE), rollingTasks, timeout));
            }
        }
        if (phases.contains("keyed")) {
            report.putAll(new KeyedRace(api, replicas, invariants).run(keyedTasks, timeout));
        }
        boolean ok = report.values().stream().noneMatch(v -> v instanceof Violation);
        report.put("ok", ok);
        report.forEach((k, v) -> System.out.printf("  %-50s %s%n", k, v));
        Files.createDirectories(reportFile.toAbsolutePath().getParent());
        Files.writeString(reportFile, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println(ok ? "scale-out check passed" : "scale-out check FAILED");
        return ok ? 0 : 1;
    }
}
