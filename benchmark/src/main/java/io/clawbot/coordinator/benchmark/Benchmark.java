package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.botclient.BotClient;
import io.clawbot.coordinator.botclient.BotListener;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Measures a running coordinator: registers N bots, connects them over real WebSockets with the worker SDK,
 * submits M tasks over HTTP and waits until the coordinator has acknowledged every completion. Prints
 * throughput (task lifecycles per second), dispatch latency (task committed, i.e. its 201 received, to the bot
 * receiving {@code task_assigned}) and, given the database URL, database commits per task; writes the same as
 * a JSON report. Bounded in count and time; it only talks to the coordinator and database it is given.
 *
 * <p>Options (all {@code --name value}): {@code url} (http://localhost:8080), {@code bots} (10), {@code slots}
 * (4), {@code tasks} (10000), {@code concurrency} of submissions (64), {@code db}
 * (jdbc:postgresql://127.0.0.1:15432/clawbot, user postgres; {@code none} to skip), {@code report}
 * (target/benchmark-report.json), {@code history} (target/benchmark-history.jsonl: each run's report is appended
 * as one line, with {@code label}), {@code management} (http://localhost:9000: the coordinator's management
 * port, whose {@code process_cpu_time_ns_total} gives its CPU time per task; {@code none} to skip),
 * {@code timeout-seconds} (300), {@code mode} ({@code submit} or {@code burn-down}), {@code batch} (1000),
 * {@code batch-concurrency} (4), {@code accept-delay-ms} (0: the bots' {@code BotClient.Builder#acceptDelay}, with
 * which a task that ends sooner is accepted by its completion), {@code keys} (0: with N, task i carries concurrency
 * key i mod N of the run), {@code max-concurrency} (2, the keys' limit), {@code fair-keys} (0: with N, task i
 * carries fairness key i mod N, of weight 1, 2 or 3), {@code rate-keys} (0: with N, task i carries rate limit key
 * i mod N of the run), {@code key-rate} (1000, each rate key's tasks per second) and {@code rate-burst} (the rate's
 * default: a second's worth).
 *
 * <p>Two modes. {@code submit} (the default): the bots are connected first, then the tasks are submitted one
 * POST each, {@code concurrency} in flight, and the bots work while they arrive; this measures dispatch latency.
 * {@code burn-down}: the tasks are created first through the batch endpoint ({@code batch} tasks per request,
 * {@code batch-concurrency} requests in flight), which measures the enqueue rate, and then the bots connect and
 * work through the backlog, which measures the burn-down rate: the first bot's start to the last completion.
 * {@code enqueue}: only the batch creations, no bots (the tasks stay pending); with {@code batch} 1 each task is
 * created by its own {@code POST /api/v1/tasks} instead, {@code batch-concurrency} in flight, which measures single
 * creations without bots at work on the same cores. {@code paced}: as {@code submit},
 * but the submissions leave at a fixed {@code rate} per second (500), so dispatch latency is measured below
 * saturation.
 *
 * <p>Requests go over HTTP/1.1 with keep-alive, as most clients send them ({@code http} 1.1); {@code http} 2 lets
 * the JDK client upgrade to HTTP/2 (h2c), as the benchmark did before, which costs both sides more CPU per small
 * request.
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        String base = opts.getOrDefault("url", "http://localhost:8080");
        int bots = Integer.parseInt(opts.getOrDefault("bots", "10"));
        int slots = Integer.parseInt(opts.getOrDefault("slots", "4"));
        int tasks = Integer.parseInt(opts.getOrDefault("tasks", "10000"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "64"));
        String db = opts.getOrDefault("db", "jdbc:postgresql://127.0.0.1:15432/clawbot");
        Path report = Path.of(opts.getOrDefault("report", "target/benchmark-report.json"));
        Path history = Path.of(opts.getOrDefault("history", "target/benchmark-history.jsonl"));
        String management = opts.getOrDefault("management", "http://localhost:9000");
        String label = opts.getOrDefault("label", "");
        Duration timeout = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("timeout-seconds", "300")));
        String key = apiKey(opts);
        String mode = opts.getOrDefault("mode", "submit");
        if (!List.of("submit", "paced", "burn-down", "enqueue").contains(mode)) {
            throw new IllegalArgumentException("--mode is submit, paced, burn-down or enqueue");
        }
        double rate = Double.parseDouble(opts.getOrDefault("rate", "500"));
        long pace = mode.equals("paced") ? Math.round(1e9 / rate) : 0;
        boolean enqueueOnly = mode.equals("enqueue");
        boolean burnDown = enqueueOnly || mode.equals("burn-down");
        int batch = Integer.parseInt(opts.getOrDefault("batch", "1000"));
        int batchConcurrency = Integer.parseInt(opts.getOrDefault("batch-concurrency", "4"));

        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        int keys = Integer.parseInt(opts.getOrDefault("keys", "0"));
        int maxConcurrency = Integer.parseInt(opts.getOrDefault("max-concurrency", "2"));
        int fairKeys = Integer.parseInt(opts.getOrDefault("fair-keys", "0"));
        int rateKeys = Integer.parseInt(opts.getOrDefault("rate-keys", "0"));
        double keyRate = Double.parseDouble(opts.getOrDefault("key-rate", "1000"));
        String rateBurst = opts.get("rate-burst");
        // Task i's creation: with keys, it carries concurrency key i mod keys of the run; with fair keys, fairness
        // key i mod fair-keys, of weight 1, 2 or 3 by the key's number.
        IntFunction<String> item = i -> "{\"type\": \"" + run + "\", \"payload\": {\"n\": 1}" + (keys == 0
                ? ""
                : ", \"concurrency_key\": \"" + run + "-" + (i % keys) + "\", \"max_concurrency\": "
                        + maxConcurrency)
                + (fairKeys == 0
                        ? ""
                        : ", \"fairness_key\": \"" + run + "-f" + (i % fairKeys) + "\", \"fairness_weight\": "
                                + (1 + (i % fairKeys) % 3))
                + (rateKeys == 0
                        ? ""
                        : ", \"rate_limit_key\": \"" + run + "-r" + (i % rateKeys) + "\", \"rate_per_second\": "
                                + keyRate + (rateBurst == null ? "" : ", \"rate_burst\": " + rateBurst))
                + "}";
        Duration acceptDelay = Duration.ofMillis(Long.parseLong(opts.getOrDefault("accept-delay-ms", "0")));
        HttpClient.Version version = switch (opts.getOrDefault("http", "1.1")) {
            case "1.1" -> HttpClient.Version.HTTP_1_1;
            case "2" -> HttpClient.Version.HTTP_2;
            default -> throw new IllegalArgumentException("--http is 1.1 or 2");
        };
        HttpClient http = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
        URI ws = URI.create(base.replaceFirst("^http", "ws") + "/api/v1/ws/control");

        Map<String, Long> committedAt = new ConcurrentHashMap<>(tasks * 2);
        Map<String, Long> receivedAt = new ConcurrentHashMap<>(tasks * 2);
        CountDownLatch completed = new CountDownLatch(tasks);
        AtomicInteger errors = new AtomicInteger();
        List<BotClient> fleet = new ArrayList<>();

        System.out.printf("ClawBot benchmark %s (%s): %d bots x %d slots, %d tasks, against %s%n", run, mode, bots,
                slots, tasks, base);
        for (int b = 0; b < (enqueueOnly ? 0 : bots); b++) {
            JsonNode bot = post(http, base + "/api/v1/bots",
                    "{\"name\": \"" + run + "-" + b + "\", \"capabilities\": [\"" + run + "\"]}", key);
            BotClient client = BotClient.builder().uri(ws).token(bot.get("token").asText()).slots(slots)
                    .acceptDelay(acceptDelay).handler(task -> Map.of())
                    .listener(new BotListener() {
                        @Override
                        public void onFrame(String type, Map<String, Object> payload) {
                            if (type.equals("task_assigned")) {
                                receivedAt.putIfAbsent((String) payload.get("task_id"), System.nanoTime());
                            } else if (type.equals("task_ack") && "completed".equals(payload.get("status"))
                                    && Boolean.FALSE.equals(payload.get("duplicate"))) {
                                completed.countDown();
                            }
                        }

                        @Override
                        public void onServerError(String code, String message, String taskId) {
                            if (errors.incrementAndGet() <= 5) {
                                System.out.println("  error frame: " + code + " " + message + " (task " + taskId
                                        + ")");
                            }
                        }
                    })
                    .build();
            if (!burnDown) {
                client.start().get(10, TimeUnit.SECONDS);
            }
            fleet.add(client);
        }

        Map<String, Object> enqueue = new LinkedHashMap<>();
        Instant enqueueStartedAt = Instant.now();
        if (burnDown) {
            long enqueueCommits = commits(db);
            double enqueueCpu = cpuSeconds(http, management);
            long enqueueStart = System.nanoTime();
            int created = enqueue(http, base, key, item, tasks, batch, batchConcurrency, errors);
            double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
            long enqueueCommitsAfter = commits(db);
            double enqueueCpuAfter = cpuSeconds(http, management);
            enqueue.put("enqueue_batch_size", batch);
            enqueue.put("enqueue_batches_in_flight", batchConcurrency);
            enqueue.put("enqueue_seconds", round(enqueueSeconds));
            enqueue.put("enqueue_tasks_per_second", round(created / enqueueSeconds));
            enqueue.put("enqueue_database_commits_per_task", enqueueCommits < 0 || enqueueCommitsAfter < 0
                    ? null
                    : round((double) (enqueueCommitsAfter - enqueueCommits) / Math.max(1, created)));
            enqueue.put("enqueue_cpu_ms_per_task", enqueueCpu < 0 || enqueueCpuAfter < 0 || created == 0
                    ? null
                    : round((enqueueCpuAfter - enqueueCpu) * 1000 / created));
            enqueue.forEach((k, v) -> System.out.printf("  %-30s %s%n", k, v));
        }
        if (enqueueOnly) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("run", run);
            result.put("mode", mode);
            result.put("label", label);
            result.put("version", version());
            result.put("started_at", enqueueStartedAt.toString());
            result.put("machine", machine());
            result.put("tasks", tasks);
            result.put("errors", errors.get());
            result.putAll(enqueue);
            write(result, report, history);
            System.out.println("  (the run's tasks stay pending: no bot has their type " + run + ")");
            System.exit(errors.get() == 0 ? 0 : 1);
        }

        long commitsBefore = commits(db);
        double cpuBefore = cpuSeconds(http, management);
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        if (burnDown) {
            List<CompletableFuture<?>> starts = new ArrayList<>();
            fleet.forEach(client -> starts.add(client.start()));
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        Semaphore inFlight = new Semaphore(concurrency);
        for (int i = 0; i < (burnDown ? 0 : tasks); i++) {
            String body = item.apply(i);
            if (pace > 0) {
                // Paced: the i-th submission leaves at start + i / rate, whatever the answers' timing.
                long due = start + i * pace;
                while (System.nanoTime() < due) {
                    java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                }
            }
            inFlight.acquire();
            http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/v1/tasks"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> {
                        long now = System.nanoTime();
                        inFlight.release();
                        if (failure != null || response.statusCode() != 201) {
                            errors.incrementAndGet();
                            return;
                        }
                        try {
                            committedAt.put(JSON.readTree(response.body()).get("id").asText(), now);
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        }
                    });
        }
        long submitted = System.nanoTime();
        boolean finished = completed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long end = System.nanoTime();
        long commitsAfter = commits(db);
        double cpuAfter = cpuSeconds(http, management);
        fleet.forEach(BotClient::close);

        long[] latencies = committedAt.entrySet().stream()
                .filter(e -> receivedAt.containsKey(e.getKey()))
                .mapToLong(e -> Math.max(0, receivedAt.get(e.getKey()) - e.getValue()))
                .sorted().toArray();
        int done = tasks - (int) completed.getCount();
        double seconds = (end - start) / 1e9;

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run", run);
        result.put("mode", mode);
        if (pace > 0) {
            result.put("rate_per_second", keyRate);
        }
        result.put("label", label);
        result.put("version", version());
        result.put("http", opts.getOrDefault("http", "1.1"));
        result.put("started_at", startedAt.toString());
        result.put("machine", machine());
        result.put("bots", bots);
        result.put("slots_per_bot", slots);
        result.put("accept_delay_ms", acceptDelay.toMillis());
        result.put("tasks", tasks);
        if (keys > 0) {
            result.put("concurrency_keys", keys);
            result.put("max_concurrency", maxConcurrency);
        }
        if (fairKeys > 0) {
            result.put("fairness_keys", fairKeys);
        }
        if (rateKeys > 0) {
            result.put("rate_keys", rateKeys);
            result.put("rate_per_second", keyRate);
            if (rateBurst != null) {
                result.put("rate_burst", Integer.parseInt(rateBurst));
            }
        }
        result.put("completed", done);
        result.put("finished", finished);
        result.put("errors", errors.get());
        result.put("seconds", round(seconds));
        if (!burnDown) {
            result.put("submit_seconds", round((submitted - start) / 1e9));
        }
        result.putAll(enqueue);
        result.put("throughput_tasks_per_second", round(done / seconds));
        if (!burnDown) {
            result.put("dispatch_latency_ms_p50", millis(percentile(latencies, 0.50)));
            result.put("dispatch_latency_ms_p99", millis(percentile(latencies, 0.99)));
            result.put("dispatch_latency_ms_max", millis(latencies.length == 0 ? 0 : latencies[latencies.length - 1]));
        }
        result.put("database_commits_per_task",
                commitsBefore < 0 || commitsAfter < 0 ? null : round((double) (commitsAfter - commitsBefore) / tasks));
        result.put("coordinator_cpu_ms_per_task",
                cpuBefore < 0 || cpuAfter < 0 || done == 0 ? null : round((cpuAfter - cpuBefore) * 1000 / done));

        result.forEach((k, v) -> System.out.printf("  %-30s %s%n", k, v));
        write(result, report, history);
        System.exit(finished && errors.get() == 0 ? 0 : 1);
    }

    /** Writes the report and appends it to the history file, as every benchmark of this module does. */
    static void write(Map<String, Object> result, Path report, Path history) throws IOException {
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.println("report written to " + report.toAbsolutePath());
        Files.createDirectories(history.toAbsolutePath().getParent());
        Files.writeString(history, JSON.writeValueAsString(result) + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        System.out.println("appended to " + history.toAbsolutePath());
    }

    /**
     * Creates {@code tasks} no-op tasks of type {@code type} through the batch endpoint, {@code inFlight} batches at
     * once (with {@code batch} 1, one {@code POST /api/v1/tasks} per task); returns how many were created.
     */
    static int enqueue(HttpClient http, String base, String key, String type, int tasks, int batch,
            int inFlight, AtomicInteger errors) throws InterruptedException {
        return enqueue(http, base, key, i -> "{\"type\": \"" + type + "\", \"payload\": {\"n\": 1}}", tasks,
                batch, inFlight, errors);
    }

    /** The same, task {@code i}'s creation body given by {@code items}. */
    static int enqueue(HttpClient http, String base, String key, IntFunction<String> items, int tasks, int batch,
            int inFlight, AtomicInteger errors) throws InterruptedException {
        StringBuilder one = new StringBuilder();
        AtomicInteger created = new AtomicInteger();
        Semaphore slots = new Semaphore(inFlight);
        if (batch == 1) {
            for (int sent = 0; sent < tasks; sent++) {
                slots.acquire();
                http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/v1/tasks"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(items.apply(sent))).build(),
                        HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, failure) -> {
                            if (failure != null || response.statusCode() != 201) {
                                if (errors.incrementAndGet() <= 5) {
                                    System.out.println("  creation failed: " + (failure != null
                                            ? failure
                                            : response.statusCode() + " " + response.body()));
                                }
                            } else {
                                created.incrementAndGet();
                            }
                            slots.release();
                        });
            }
            slots.acquire(inFlight);
            return created.get();
        }
        for (int sent = 0; sent < tasks; sent += batch) {
            int size = Math.min(batch, tasks - sent);
            one.setLength(0);
            one.append("{\"tasks\": [");
            for (int i = 0; i < size; i++) {
                one.append(i == 0 ? "" : ",").append(items.apply(sent + i));
            }
            one.append("]}");
            slots.acquire();
            http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/v1/tasks/batch"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(one.toString())).build(),
                    HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> {
                        try {
                            if (failure != null || response.statusCode() != 200) {
                                errors.incrementAndGet();
                                System.out.println("  batch failed: " + (failure != null
                                        ? failure
                                        : response.statusCode() + " " + response.body()));
                                return;
                            }
                            created.addAndGet(JSON.readTree(response.body()).get("created").asInt());
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        } finally {
                            // Counted before the slot is given back: the last acquire then sees every batch.
                            slots.release();
                        }
                    });
        }
        slots.acquire(inFlight);
        return created.get();
    }

    /**
     * The API key to call with: {@code --key}, else {@code CLAWBOT_KEY}, else the first admin key that
     * {@code scripts/run.sh} wrote to its data folder.
     */
    static String apiKey(Map<String, String> opts) throws IOException {
        String key = opts.getOrDefault("key", System.getenv("CLAWBOT_KEY"));
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        Path file = Path.of(System.getenv().getOrDefault("CLAWBOT_DATA_DIR", ".clawbot-data"), "admin-key");
        if (java.nio.file.Files.isReadable(file)) {
            return java.nio.file.Files.readString(file).strip();
        }
        throw new IllegalArgumentException("an API key is needed: --key, CLAWBOT_KEY, or " + file
                + " (written by scripts/run.sh on its first start)");
    }

    static JsonNode post(HttpClient http, String url, String body, String key) throws IOException,
            InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * The coordinator's process CPU time so far, in seconds, from its metrics ({@code process_cpu_time_ns_total});
     * -1 when not measured. It includes what the coordinator spends on everything during the run, ticks and
     * sweeps too, like the commits per task.
     */
    static double cpuSeconds(HttpClient http, String management) {
        if (management == null || management.equals("none")) {
            return -1;
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(management + "/q/metrics"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            for (String line : response.body().split("\n")) {
                if (line.startsWith("process_cpu_time_ns_total ")) {
                    return Double.parseDouble(line.substring(line.indexOf(' ') + 1).strip()) / 1e9;
                }
            }
            System.out.println("  (coordinator CPU not measured: no process_cpu_time_ns_total)");
        } catch (IOException | RuntimeException e) {
            System.out.println("  (coordinator CPU not measured: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** Committed transactions of the coordinator's database so far; -1 when not measured. */
    static long commits(String url) {
        if (url == null || url.equals("none")) {
            return -1;
        }
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                ResultSet rs = c.createStatement().executeQuery(
                        "select xact_commit from pg_stat_database where datname = current_database()")) {
            rs.next();
            long value = rs.getLong(1);
            // The statistics collector lags a little; give it time so the count includes the run's commits.
            Thread.sleep(1000);
            try (ResultSet again = c.createStatement().executeQuery("select pg_stat_clear_snapshot(), "
                    + "(select xact_commit from pg_stat_database where datname = current_database())")) {
                again.next();
                return Math.max(value, again.getLong(2));
            }
        } catch (SQLException | InterruptedException e) {
            System.out.println("  (commits per task not measured: " + e.getMessage() + ")");
            return -1;
        }
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double millis(long nanos) {
        return round(nanos / 1e6);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** The commit the benchmark was built from ({@code git describe}), with -dirty for local changes. */
    static String version() {
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true)
                    .start();
            String out = new String(git.getInputStream().readAllBytes()).strip();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }
}
