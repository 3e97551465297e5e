package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.botclient.BotClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the time a bot waits for its next task grows with the backlog. For each backlog size (ascending), it creates
 * that many pending tasks of one type ({@code bulk}) and a few hundred of another ({@code rare}) through the batch
 * endpoint, then lets one bot with one slot take tasks one after another, three times: a bot of the bulk type, a
 * bot of the rare type (its few tasks lie among the whole backlog), and a bot of both. The gap between two
 * assignments is the bot's completion, its acknowledgement, the claim of the next task and its push: with one slot,
 * the claim is on the path of every task. Prints p50 and p99 of the gaps per backlog and bot, and the ratio of the
 * largest backlog's to the smallest's; writes a JSON report and appends it to the history file.
 *
 * <p>Options ({@code --name value}): {@code url} (http://localhost:8080), {@code backlogs} (1000,1000000),
 * {@code claims} per bot (200), {@code db} (jdbc:postgresql://127.0.0.1:15432/clawbot, user postgres: the run's
 * tasks are deleted from it at the end; {@code none} leaves them), {@code report}
 * (target/claim-latency-report.json), {@code history} (target/benchmark-history.jsonl), {@code label}.
 */
public final class ClaimLatency {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RARE = 300;

    private ClaimLatency() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = Benchmark.options(args);
        String base = opts.getOrDefault("url", "http://localhost:8080");
        int[] backlogs = Arrays.stream(opts.getOrDefault("backlogs", "1000,1000000").split(","))
                .mapToInt(s -> Integer.parseInt(s.strip())).sorted().toArray();
        int claims = Integer.parseInt(opts.getOrDefault("claims", "200"));
        String db = opts.getOrDefault("db", "jdbc:postgresql://127.0.0.1:15432/clawbot");
        Path report = Path.of(opts.getOrDefault("report", "target/claim-latency-report.json"));
        Path history = Path.of(opts.getOrDefault("history", "target/benchmark-history.jsonl"));
        String key = Benchmark.apiKey(opts);
        String run = "claims-" + UUID.randomUUID().toString().substring(0, 8);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI ws = URI.create(base.replaceFirst("^http", "ws") + "/api/v1/ws/control");
        System.out.printf("ClawBot claim latency %s: backlogs %s, %d claims per bot, against %s%n", run,
                Arrays.toString(backlogs), claims, base);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run", run);
        result.put("mode", "claim-latency");
        result.put("label", opts.getOrDefault("label", ""));
        result.put("version", Benchmark.version());
        result.put("started_at", Instant.now().toString());
        result.put("machine", Benchmark.machine());
        Map<String, Object> levels = new LinkedHashMap<>();
        AtomicInteger errors = new AtomicInteger();
        try {
            for (int backlog : backlogs) {
                String level = run + "-" + backlog;
                String bulk = level + "-bulk";
                String rare = level + "-rare";
                long start = System.nanoTime();
                int created = Benchmark.enqueue(http, base, key, bulk, backlog, 1000, 4, errors)
                        + Benchmark.enqueue(http, base, key, rare, RARE, 1000, 1, errors);
                System.out.printf("  backlog %d: %d tasks created in %.1f s%n", backlog, created,
                        (System.nanoTime() - start) / 1e9);
                Map<String, Object> bots = new LinkedHashMap<>();
                bots.put("bulk", gaps(http, base, key, ws, level + "-a", List.of(bulk), claims / 2 * 2));
                bots.put("rare", gaps(http, base, key, ws, level + "-b", List.of(rare), Math.min(claims, RARE / 3)));
                bots.put("both", gaps(http, base, key, ws, level + "-c", List.of(bulk, rare), claims));
                bots.forEach((bot, figures) -> System.out.printf("  backlog %-8d bot %-5s %s%n", backlog, bot,
                        figures));
                levels.put(String.valueOf(backlog), bots);
            }
        } finally {
            cleanUp(db, run);
        }
        result.put("backlogs", levels);
        result.put("errors", errors.get());
        String smallest = String.valueOf(backlogs[0]);
        String largest = String.valueOf(backlogs[backlogs.length - 1]);
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (String bot : List.of("bulk", "rare", "both")) {
            double small = p50(levels, smallest, bot);
            double large = p50(levels, largest, bot);
            ratios.put(bot, small <= 0 ? null : Math.round(large / small * 100) / 100.0);
        }
        result.put("p50_ratio_largest_to_smallest", ratios);
        System.out.println("  p50 ratio, largest backlog to smallest: " + ratios);
        Benchmark.write(result, report, history);
        System.exit(errors.get() == 0 ? 0 : 1);
    }

    @SuppressWarnings("unchecked")
    private static double p50(Map<String, Object> levels, String level, String bot) {
        Map<String, Object> figures = (Map<String, Object>) ((Map<String, Object>) levels.get(level)).get(bot);
        return ((Number) figures.get("gap_ms_p50")).doubleValue();
    }

    /** One bot with one slot takes {@code count} tasks; the gaps between its assignments, in milliseconds. */
    private static Map<String, Object> gaps(HttpClient http, String base, String key, URI ws, String name,
            List<String> capabilities, int count) throws Exception {
        JsonNode bot = Benchmark.post(http, base + "/api/v1/bots", JSON.writeValueAsString(
                Map.of("name", name, "capabilities", capabilities)), key);
        long[] at = new long[count];
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        BotClient client = BotClient.builder().uri(ws).token(bot.get("token").asText()).slots(1)
                .handler(task -> {
                    int n = taken.getAndIncrement();
                    if (n < count) {
                        at[n] = System.nanoTime();
                    }
                    if (n + 1 == count) {
                        done.countDown();
                    }
                    return Map.of();
                }).build();
        try {
            client.start().get(10, TimeUnit.SECONDS);
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " took " + taken.get() + " of " + count + " tasks in 120 s");
            }
        } finally {
            client.close();
        }
        // The first gaps include the connection and the first claims' warm-up; they are left out.
        int skip = Math.min(10, count / 10);
        double[] gaps = new double[count - 1 - skip];
        for (int i = skip + 1; i < count; i++) {
            gaps[i - 1 - skip] = (at[i] - at[i - 1]) / 1e6;
        }
        Arrays.sort(gaps);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("claims", gaps.length);
        out.put("gap_ms_p50", rank(gaps, 0.50));
        out.put("gap_ms_p99", rank(gaps, 0.99));
        out.put("gap_ms_max", rank(gaps, 1.0));
        return out;
    }

    private static double rank(double[] sorted, double q) {
        double v = sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
        return Math.round(v * 100) / 100.0;
    }

    /** Deletes the run's tasks (and with them their history), so later runs start from the same backlog. */
    private static void cleanUp(String db, String run) {
        if (db == null || db.equals("none")) {
            return;
        }
        try (Connection c = DriverManager.getConnection(db, "postgres", "")) {
            int deleted = c.createStatement().executeUpdate("delete from tasks where type like '" + run + "-%'");
            System.out.printf("  %d tasks of the run deleted%n", deleted);
        } catch (SQLException e) {
            System.out.println("  (the run's tasks were not deleted: " + e.getMessage() + ")");
        }
    }
}
