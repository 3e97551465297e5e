package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.botclient.BotClient;
import io.clawbot.coordinator.embedded.EmbeddedPostgres;
import io.clawbot.coordinator.embedded.EmbeddedRedis;
import io.clawbot.coordinator.embedded.FreePort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scale-out check: three coordinator processes on different ports over one PostgreSQL and one Redis (both
 * started here, on free ports), bots spread across them, a few thousand tasks, and meanwhile one replica killed
 * with SIGKILL and restarted, Redis stopped and started, and a bot cut off and reconnected to another replica.
 * At the end an invariant check over the database and the bots' own records: every task ended and completed,
 * none lost, none completed twice, attempts only increasing, and no completion accepted from an attempt other
 * than the current one or one that no bot ran. Prints what it finds, writes a JSON report, exits 1 on any
 * violation.
 *
 * <p>Options ({@code --name value}): {@code app} (bootstrap/target/quarkus-app/quarkus-run.jar), {@code tasks}
 * (3000), {@code bots} (9), {@code slots} (2), {@code report} (target/scale-out-report.json),
 * {@code timeout-seconds} (240).
 */
public final class ScaleOutCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TYPE = "scale";
    private static final int REPLICAS = 3;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Path app;
    private final Path work;
    private final String databaseUrl;
    private final String jdbcUrl;
    private final int redisPort;
    private final int[] ports = new int[REPLICAS];
    private final Process[] replicas = new Process[REPLICAS];
    /** (task id, attempt) pairs the bots ran to completion. */
    private final Set<String> ran = ConcurrentHashMap.newKeySet();

    private ScaleOutCheck(Path app, Path work, String databaseUrl, String jdbcUrl, int redisPort) {
        this.app = app;
        this.work = work;
        this.databaseUrl = databaseUrl;
        this.jdbcUrl = jdbcUrl;
        this.redisPort = redisPort;
        for (int i = 0; i < REPLICAS; i++) {
            ports[i] = FreePort.find();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = Benchmark.options(args);
        Path app = Path.of(opts.getOrDefault("app", "bootstrap/target/quarkus-app/quarkus-run.jar"));
        int tasks = Integer.parseInt(opts.getOrDefault("tasks", "3000"));
        int bots = Integer.parseInt(opts.getOrDefault("bots", "9"));
        int slots = Integer.parseInt(opts.getOrDefault("slots", "2"));
        Path report = Path.of(opts.getOrDefault("report", "target/scale-out-report.json"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("timeout-seconds", "240")));
        if (!Files.isRegularFile(app)) {
            System.err.println("no coordinator at " + app + "; build it first (scripts/scale-out-check.sh does)");
            System.exit(2);
        }
        Path work = Path.of("target", "scale-out");
        Files.createDirectories(work);
        EmbeddedPostgres postgres = EmbeddedPostgres.start(work.resolve("postgres"), FreePort.find());
        postgres.createDatabase("clawbot_scale");
        int redisPort = FreePort.find();
        EmbeddedRedis redis = EmbeddedRedis.start(redisPort);
        ScaleOutCheck check = new ScaleOutCheck(app, work, postgres.url("clawbot_scale"),
                "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/clawbot_scale", redisPort);
        int exit;
        try {
            exit = check.run(tasks, bots, slots, report, timeout, redis);
        } finally {
            check.stopReplicas();
            postgres.close();
        }
        System.exit(exit);
    }

    private int run(int tasks, int bots, int slots, Path report, Duration timeout, EmbeddedRedis firstRedis)
            throws Exception {
        EmbeddedRedis redis = firstRedis;
        for (int i = 0; i < REPLICAS; i++) {
            startReplica(i);
        }
        for (int i = 0; i < REPLICAS; i++) {
            awaitReady(i);
        }
        System.out.printf("3 replicas up on ports %d, %d, %d%n", ports[0], ports[1], ports[2]);

        List<String> tokens = new ArrayList<>();
        List<BotClient> fleet = new ArrayList<>();
        for (int b = 0; b < bots; b++) {
            JsonNode bot = post(base(b % REPLICAS) + "/api/v1/bots",
                    "{\"name\": \"scale-" + b + "\", \"capabilities\": [\"" + TYPE + "\"]}");
            tokens.add(bot.get("token").asText());
            fleet.add(bot(tokens.get(b), b % REPLICAS, slots));
        }
        System.out.printf("%d bots connected, %d per replica%n", bots, bots / REPLICAS);

        AtomicInteger submitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        Semaphore inFlight = new Semaphore(16);
        String body = "{\"type\": \"" + TYPE + "\", \"payload\": {\"n\": 1}, \"retry\": {\"max_attempts\": 20, "
                + "\"backoff_seconds\": 0.2, \"max_backoff_seconds\": 1}}";
        long start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            int replica = i % REPLICAS;
            if (i == tasks / 4) {
                System.out.println("killing replica 3 with SIGKILL");
                replicas[2].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                startReplica(2);
            }
            if (i == tasks / 2) {
                System.out.println("stopping Redis");
                redis.close();
                Thread.sleep(2000);
                redis = EmbeddedRedis.start(redisPort);
                System.out.println("Redis started again");
                awaitReady(2);
            }
            if (i == tasks * 3 / 5) {
                System.out.println("cutting bot 1 off (its process ends); it comes back on another replica");
                fleet.get(0).close();
                fleet.set(0, bot(tokens.get(0), 1, slots));
            }
            if (replica == 2 && !isUp(2)) {
                replica = 0;
            }
            inFlight.acquire();
            submit("scale-" + i, body, replica, 0, submitted, refused, inFlight);
        }
        inFlight.acquire(16);
        System.out.printf("%d tasks submitted (%d requests failed with a replica going down and were sent again "
                + "to another one under the same Idempotency-Key)%n", submitted.get(), refused.get());

        boolean settled = awaitSettled(submitted.get(), timeout);
        double seconds = (System.nanoTime() - start) / 1e9;
        fleet.forEach(BotClient::close);
        redis.close();

        Map<String, Object> result = invariants(submitted.get());
        result.put("settled", settled);
        result.put("seconds", Math.round(seconds * 10) / 10.0);
        result.put("submissions_sent_again", refused.get());
        boolean ok = settled && result.values().stream().noneMatch(v -> v instanceof Violation);
        result.put("ok", ok);
        result.forEach((k, v) -> System.out.printf("  %-40s %s%n", k, v));
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.entrySet().stream()
                .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), String.valueOf(e.getValue())), Map::putAll)));
        System.out.println(ok ? "scale-out check passed" : "scale-out check FAILED");
        return ok ? 0 : 1;
    }

    /**
     * Creates one task as a careful client does: a request that fails (its replica went down, perhaps after
     * committing) is sent again to the next replica under the same Idempotency-Key, so the task exists once.
     */
    private void submit(String key, String body, int replica, int tries, AtomicInteger submitted,
            AtomicInteger refused, Semaphore inFlight) {
        http.sendAsync(HttpRequest.newBuilder(URI.create(base(replica) + "/api/v1/tasks"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString())
                .whenComplete((response, failure) -> {
                    if (failure == null && (response.statusCode() == 201 || response.statusCode() == 200)) {
                        submitted.incrementAndGet();
                        inFlight.release();
                        return;
                    }
                    refused.incrementAndGet();
                    if (tries >= 20) {
                        System.err.println("task " + key + " could not be submitted");
                        inFlight.release();
                        return;
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    submit(key, body, (replica + 1) % REPLICAS, tries + 1, submitted, refused, inFlight);
                });
    }

    /** A failed invariant, with what broke it. */
    private record Violation(String what) {
        @Override
        public String toString() {
            return "VIOLATED: " + what;
        }
    }

    private Map<String, Object> invariants(int submitted) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
                Statement st = db.createStatement()) {
            long total = count(st, "select count(*) from tasks where type = '" + TYPE + "'");
            long open = count(st, "select count(*) from tasks where type = '" + TYPE
                    + "' and status not in ('completed', 'failed', 'timed_out', 'cancelled', 'skipped')");
            long completed = count(st, "select count(*) from tasks where type = '" + TYPE
                    + "' and status = 'completed'");
            long twice = count(st, "select count(*) from (select task_id from task_events where to_status = "
                    + "'completed' group by task_id having count(*) > 1) x");
            long staleCompletion = count(st, "select count(*) from task_events e join tasks t on t.id = e.task_id "
                    + "where e.to_status = 'completed' and e.attempt <> t.attempt");
            long backwards = count(st, "select count(*) from (select attempt, lag(attempt) over (partition by "
                    + "task_id order by id) as previous from task_events) x where attempt < previous");
            long unran = 0;
            try (ResultSet rs = st.executeQuery("select id, attempt from tasks where type = '" + TYPE
                    + "' and status = 'completed'")) {
                while (rs.next()) {
                    if (!ran.contains(rs.getString(1) + "#" + rs.getInt(2))) {
                        unran++;
                    }
                }
            }
            long retried = count(st, "select count(*) from tasks where type = '" + TYPE + "' and attempt > 1");
            out.put("tasks_submitted", submitted);
            out.put("tasks_stored", total == submitted ? total : new Violation(total + " stored, none may be lost"));
            out.put("tasks_open", open == 0 ? 0 : new Violation(open + " not ended"));
            out.put("tasks_completed", completed == submitted
                    ? completed
                    : new Violation(completed + " of " + submitted + " completed"));
            out.put("tasks_completed_twice", twice == 0 ? 0 : new Violation(twice + " tasks"));
            out.put("completions_from_another_attempt", staleCompletion == 0
                    ? 0
                    : new Violation(staleCompletion + " completions"));
            out.put("attempt_going_backwards", backwards == 0 ? 0 : new Violation(backwards + " history entries"));
            out.put("completions_no_bot_ran", unran == 0 ? 0 : new Violation(unran + " completions"));
            out.put("tasks_that_needed_another_attempt", retried);
        }
        return out;
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private boolean awaitSettled(int submitted, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
                Statement st = db.createStatement()) {
            while (System.nanoTime() < deadline) {
                long done = count(st, "select count(*) from tasks where type = '" + TYPE
                        + "' and status in ('completed', 'failed', 'timed_out', 'cancelled')");
                if (done >= submitted) {
                    return true;
                }
                Thread.sleep(500);
            }
        }
        return false;
    }

    /** A bot whose first address is replica {@code first}; it moves to the others when a connection is lost. */
    private BotClient bot(String token, int first, int slots) throws Exception {
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            uris.add(URI.create("ws://127.0.0.1:" + ports[(first + i) % REPLICAS] + "/api/v1/ws/control"));
        }
        BotClient client = BotClient.builder().uris(uris).token(token).slots(slots)
                .heartbeatInterval(Duration.ofMillis(500))
                .handler(task -> {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(5, 25));
                    ran.add(task.taskId() + "#" + task.attempt());
                    return Map.of("attempt", task.attempt());
                })
                .build();
        client.start().get(30, TimeUnit.SECONDS);
        return client;
    }

    private String base(int replica) {
        return "http://127.0.0.1:" + ports[replica];
    }

    private void startReplica(int i) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Dquarkus.http.port=" + ports[i],
                "-jar", app.toString());
        Map<String, String> env = pb.environment();
        env.put("DATABASE_URL", databaseUrl);
        env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort);
        env.put("COORDINATOR_DISPATCH_ACK_TIMEOUT", "5s");
        env.put("COORDINATOR_DISPATCH_LEASE", "10s");
        env.put("COORDINATOR_DISPATCH_RECONNECT_GRACE", "5s");
        env.put("COORDINATOR_DISPATCH_TICK_INTERVAL", "1s");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                work.resolve("replica-" + (i + 1) + ".log").toFile()));
        replicas[i] = pb.start();
    }

    private boolean isUp(int i) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base(i) + "/q/health/ready")).timeout(
                    Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitReady(int i) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (isUp(i)) {
                return;
            }
            if (!replicas[i].isAlive()) {
                throw new IllegalStateException("replica " + (i + 1) + " exited; see " + work.resolve("replica-"
                        + (i + 1) + ".log"));
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("replica " + (i + 1) + " did not become ready");
    }

    private void stopReplicas() {
        for (Process p : replicas) {
            if (p != null) {
                p.destroy();
            }
        }
        for (Process p : replicas) {
            if (p != null) {
                try {
                    p.waitFor(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                p.destroyForcibly();
            }
        }
    }

    private JsonNode post(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
