package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many idle bots on one coordinator: registers N bots, connects them all at once over real WebSockets (one shared
 * client, the bot protocol spoken directly: a bot here only heartbeats, at the interval the coordinator announces),
 * holds them, and measures the connect rate (bots/s from the first connection attempt to the last
 * {@code connected} frame), the database commits per second while they only heartbeat, and, given the
 * coordinator's process id, its resident memory and its live heap per bot (heap after a full GC with the bots
 * connected, minus before, over N). Writes a JSON report and appends it to the history file.
 *
 * <p>
 * Options ({@code --name value}): {@code url} (http://localhost:8080), {@code bots} (1000), {@code hold-seconds}
 * (45), {@code pid} (the coordinator's process id, for memory; none by default), {@code management}
 * (http://localhost:9000), {@code db} (jdbc:postgresql://127.0.0.1:15432/clawbot), {@code report}
 * (target/idle-bots-report.json), {@code history} (target/benchmark-history.jsonl), {@code label}.
 */
public final class IdleBots {

    private static final ObjectMapper JSON = new ObjectMapper();

    private IdleBots() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = Benchmark.options(args);
        String base = opts.getOrDefault("url", "http://localhost:8080");
        int bots = Integer.parseInt(opts.getOrDefault("bots", "1000"));
        int hold = Integer.parseInt(opts.getOrDefault("hold-seconds", "45"));
        String pid = opts.get("pid");
        String management = opts.getOrDefault("management", "http://localhost:9000");
        String db = opts.getOrDefault("db", "jdbc:postgresql://127.0.0.1:15432/clawbot");
        Path report = Path.of(opts.getOrDefault("report", "target/idle-bots-report.json"));
        Path history = Path.of(opts.getOrDefault("history", "target/benchmark-history.jsonl"));
        String key = Benchmark.apiKey(opts);
        String run = "idle-" + UUID.randomUUID().toString().substring(0, 8);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();
        URI ws = URI.create(base.replaceFirst("^http", "ws") + "/api/v1/ws/control");
        System.out.printf("ClawBot idle bots %s: %d bots held %d s, against %s%n", run, bots, hold, base);

        long registerStart = System.nanoTime();
        List<String> tokens = register(http, base, key, run, bots);
        double registerSeconds = (System.nanoTime() - registerStart) / 1e9;
        System.out.printf("  %d bots registered in %.1f s%n", tokens.size(), registerSeconds);

        Map<String, Object> before = memory(http, management, pid);
        ScheduledExecutorService beats = Executors.newScheduledThreadPool(2);
        AtomicLong heartbeatsSent = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch connected = new CountDownLatch(tokens.size());
        ConcurrentLinkedQueue<WebSocket> sockets = new ConcurrentLinkedQueue<>();
        long connectStart = System.nanoTime();
        Semaphore opening = new Semaphore(512);
        for (String token : tokens) {
            opening.acquire();
            http.newWebSocketBuilder().header("Authorization", "Bearer " + token).connectTimeout(Duration.ofSeconds(60))
                    .buildAsync(ws, new Idle(connected, beats, heartbeatsSent))
                    .whenComplete((socket, failure) -> {
                        opening.release();
                        if (failure != null) {
                            failures.incrementAndGet();
                            connected.countDown();
                        } else {
                            sockets.add(socket);
                        }
                    });
        }
        boolean all = connected.await(300, TimeUnit.SECONDS);
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        System.out.printf("  %d bots connected in %.1f s (%d failed)%n", sockets.size(), connectSeconds,
                failures.get());

        Thread.sleep(5000);
        long commits0 = Benchmark.commits(db);
        long beats0 = heartbeatsSent.get();
        long holdStart = System.nanoTime();
        Thread.sleep(hold * 1000L);
        double held = (System.nanoTime() - holdStart) / 1e9;
        long commits1 = Benchmark.commits(db);
        long beatsHeld = heartbeatsSent.get() - beats0;
        Map<String, Object> during = memory(http, management, pid);

        sockets.forEach(s -> s.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
        beats.shutdownNow();

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run", run);
        result.put("mode", "idle-bots");
        result.put("label", opts.getOrDefault("label", ""));
        result.put("version", Benchmark.version());
        result.put("started_at", Instant.now().toString());
        result.put("machine", Benchmark.machine());
        result.put("bots", bots);
        result.put("connected", sockets.size());
        result.put("connect_failures", failures.get());
        result.put("register_bots_per_second", Math.round(tokens.size() / registerSeconds));
        result.put("connect_seconds", Math.round(connectSeconds * 100) / 100.0);
        result.put("connect_bots_per_second", Math.round(sockets.size() / connectSeconds));
        result.put("hold_seconds", Math.round(held));
        result.put("heartbeats_per_second", Math.round(beatsHeld / held * 10) / 10.0);
        result.put("database_commits_per_second", commits0 < 0 || commits1 < 0
                ? null
                : Math.round((commits1 - commits0) / held * 10) / 10.0);
        result.put("memory_before", before);
        result.put("memory_with_bots", during);
        if (before.get("heap_after_gc_bytes") instanceof Long b && during.get("heap_after_gc_bytes") instanceof Long d
                && !sockets.isEmpty()) {
            result.put("live_heap_bytes_per_bot", (d - b) / sockets.size());
        }
        result.forEach((k, v) -> System.out.printf("  %-28s %s%n", k, v));
        Benchmark.write(result, report, history);
        System.exit(all && failures.get() == 0 ? 0 : 1);
    }

    /** A bot that only heartbeats, at the announced interval, from a random start within it. */
    private static final class Idle implements WebSocket.Listener {

        private final CountDownLatch connected;
        private final ScheduledExecutorService beats;
        private final AtomicLong sent;
        private final StringBuilder text = new StringBuilder();

        Idle(CountDownLatch connected, ScheduledExecutorService beats, AtomicLong sent) {
            this.connected = connected;
            this.beats = beats;
            this.sent = sent;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String frame = text.toString();
                text.setLength(0);
                if (frame.contains("\"type\":\"connected\"") || frame.contains("\"type\": \"connected\"")) {
                    long interval = 15_000;
                    try {
                        interval = JSON.readTree(frame).path("payload").path("heartbeat_interval_seconds")
                                .asLong(15) * 1000;
                    } catch (IOException e) {
                        // keep the default
                    }
                    long every = interval;
                    beats.scheduleAtFixedRate(() -> {
                        if (!socket.isOutputClosed()) {
                            socket.sendText("{\"type\": \"heartbeat\", \"payload\": {\"running\": []}}", true);
                            sent.incrementAndGet();
                        }
                    }, ThreadLocalRandom.current().nextLong(every), every, TimeUnit.MILLISECONDS);
                    connected.countDown();
                }
            }
            socket.request(1);
            return null;
        }
    }

    private static List<String> register(HttpClient http, String base, String key, String run, int bots)
            throws InterruptedException {
        List<String> tokens = java.util.Collections.synchronizedList(new ArrayList<>(bots));
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < bots; i++) {
            inFlight.acquire();
            all.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/v1/bots"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + run + "-" + i
                            + "\", \"capabilities\": [\"" + run + "\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                        try {
                            if (failure == null && response.statusCode() == 201) {
                                tokens.add(JSON.readTree(response.body()).get("token").asText());
                            } else {
                                System.out.println("  registration failed: "
                                        + (failure != null ? failure : response.statusCode() + " " + response.body()));
                            }
                        } catch (IOException e) {
                            System.out.println("  registration failed: " + e.getMessage());
                        } finally {
                            inFlight.release();
                        }
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        return tokens;
    }

    /** The coordinator's memory: resident set (from /proc) and heap after a full GC (jcmd), given its pid. */
    private static Map<String, Object> memory(HttpClient http, String management, String pid) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (pid == null) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    out.put("rss_bytes", Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
            Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), pid,
                    "GC.run").redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            gc.waitFor(60, TimeUnit.SECONDS);
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(management + "/q/metrics"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            long heap = 0;
            for (String line : metrics.body().split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            out.put("heap_after_gc_bytes", heap);
        } catch (IOException | RuntimeException e) {
            out.put("error", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
