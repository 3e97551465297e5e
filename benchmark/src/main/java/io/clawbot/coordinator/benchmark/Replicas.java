package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.clawbot.coordinator.embedded.FreePort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator processes of the scale-out check, each on its own free port and with its own log under the work
 * folder, all over one database and one Redis. Replicas are numbered from 0 here and from 1 in what is printed.
 *
 * <p>A replica being stopped or killed counts as unavailable from the signal until it is ready again, so that
 * clients of the check send new requests elsewhere; requests already on their way to it fail and are sent again.
 */
final class Replicas implements AutoCloseable {

    /** How a replica is stopped: gracefully (SIGTERM, it drains its bots first) or not at all (SIGKILL). */
    enum Stop {
        SIGTERM, SIGKILL
    }

    /**
     * The replicas' waits for a pooled connection and for a statement: short, as their other limits are, so that
     * a stalled database shows quickly. Together they stay under a bot's silence limit (heartbeat interval plus
     * ack timeout, 5.5 s), so that a heartbeat stuck behind a stalled database is answered before the bot gives
     * its session up.
     */
    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(2);

    private final Path app;
    private final Path work;
    private final String databaseUrl;
    private final String redisUrl;
    private final int[] ports;
    private final int[] managementPorts;
    private final Process[] processes;
    /** The admin key every replica is given (COORDINATOR_ADMIN_KEY), made for this run. */
    private final String adminKey = newKey();
    private final Set<Integer> unavailable = ConcurrentHashMap.newKeySet();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** Variables every replica gets beyond the check's own. */
    private final Map<String, String> environment = new java.util.LinkedHashMap<>();
    /** Variables one replica gets on top of those, from its next start on. */
    private final Map<Integer, Map<String, String>> ownEnvironment = new ConcurrentHashMap<>();

    Replicas(int count, Path app, Path work, String databaseUrl, String redisUrl) {
        this.app = app;
        this.work = work;
        this.databaseUrl = databaseUrl;
        this.redisUrl = redisUrl;
        this.ports = new int[count];
        this.managementPorts = new int[count];
        this.processes = new Process[count];
        for (int i = 0; i < count; i++) {
            ports[i] = FreePort.find();
            managementPorts[i] = FreePort.find();
        }
    }

    /** Gives every replica started from now on this environment variable too. */
    Replicas withEnvironment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    int count() {
        return ports.length;
    }

    /** Starts every replica and waits until all are ready. */
    void startAll() throws IOException, InterruptedException {
        for (int i = 0; i < count(); i++) {
            start(i);
        }
        awaitAllReady();
    }

    void awaitAllReady() throws InterruptedException {
        for (int i = 0; i < count(); i++) {
            awaitReady(i);
        }
    }

    /** The replica's HTTP port. */
    int port(int replica) {
        return ports[replica];
    }

    /** The replica's HTTP address, e.g. {@code http://127.0.0.1:8080}. */
    String base(int replica) {
        return "http://127.0.0.1:" + ports[replica];
    }

    private static String newKey() {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        return "cbk_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** The API key the replicas know as an admin key. */
    String adminKey() {
        return adminKey;
    }

    /** The replica's bot control endpoint. */
    URI controlUri(int replica) {
        return URI.create("ws://127.0.0.1:" + ports[replica] + "/api/v1/ws/control");
    }

    /** Every replica's control endpoint, starting with {@code first} and going round from there. */
    List<URI> controlUris(int first) {
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < count(); i++) {
            uris.add(controlUri((first + i) % count()));
        }
        return uris;
    }

    /** {@code preferred} if it is available, else the next one that is. */
    int available(int preferred) {
        for (int i = 0; i < count(); i++) {
            int candidate = (preferred + i) % count();
            if (!unavailable.contains(candidate)) {
                return candidate;
            }
        }
        return preferred;
    }

    /**
     * Restarts a replica on a thread of its own: stops it the given way, waits for its process to end, starts it
     * again and waits until it is ready.
     *
     * @return completes once it is ready again, with how long the old process took to end after the signal, in
     *         seconds
     */
    CompletableFuture<Double> restartInBackground(int replica, Stop how) {
        CompletableFuture<Double> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("restart-replica-" + (replica + 1)).start(() -> {
            try {
                done.complete(restart(replica, how));
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /**
     * Stops a replica gracefully and starts it again with these variables on top of every replica's (none: as the
     * others); waits until it is ready.
     */
    void restartWith(int replica, Map<String, String> variables) throws IOException, InterruptedException {
        ownEnvironment.put(replica, Map.copyOf(variables));
        restart(replica, Stop.SIGTERM);
    }

    private double restart(int replica, Stop how) throws IOException, InterruptedException {
        Process process = processes[replica];
        long signalled = System.nanoTime();
        if (how == Stop.SIGKILL) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        unavailable.add(replica);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        double stopSeconds = (System.nanoTime() - signalled) / 1e9;
        start(replica);
        awaitReady(replica);
        unavailable.remove(replica);
        System.out.printf("replica %d: %s, its process ended after %.1f s, ready again after %.1f s%n",
                replica + 1, how, stopSeconds, (System.nanoTime() - signalled) / 1e9);
        return stopSeconds;
    }

    /**
     * Freezes a replica's process (SIGSTOP): it holds its sockets and answers nothing, as a replica stuck in a long
     * pause does. It counts as unavailable until {@link #thaw(int)}.
     */
    void freeze(int replica) throws IOException, InterruptedException {
        unavailable.add(replica);
        signal(replica, "STOP");
    }

    /** Lets a frozen replica run again (SIGCONT) and waits until it is ready; returns how long that took, in s. */
    double thaw(int replica) throws IOException, InterruptedException {
        long resumed = System.nanoTime();
        signal(replica, "CONT");
        awaitReady(replica);
        unavailable.remove(replica);
        return (System.nanoTime() - resumed) / 1e9;
    }

    private void signal(int replica, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes[replica].pid()))
                .inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " of replica " + (replica + 1) + " failed");
        }
    }

    /** Whether the replica's process is running. */
    boolean alive(int replica) {
        return processes[replica].isAlive();
    }

    /** The replica's management address, where its health and metrics are. */
    String management(int replica) {
        return "http://127.0.0.1:" + managementPorts[replica];
    }

    /**
     * Waits until every replica's readiness report says it reaches Redis again (Redis only degrades readiness, so
     * a replica is ready throughout an outage).
     */
    void awaitRedisBack() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < count(); i++) {
            while (!reachesRedis(i)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replica " + (i + 1) + " does not reach Redis again");
                }
                Thread.sleep(250);
            }
        }
    }

    private boolean reachesRedis(int replica) throws IOException, InterruptedException {
        HttpResponse<String> response = readiness(replica, Duration.ofSeconds(5));
        for (JsonNode check : Api.JSON.readTree(response.body()).path("checks")) {
            if ("down".equals(check.path("data").path("redis").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Whether the replica answers its readiness check with 200. */
    boolean isUp(int replica) {
        try {
            return readiness(replica, Duration.ofSeconds(2)).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether every replica answers its readiness check with 200 within {@code timeout}. */
    boolean allUpWithin(Duration timeout) throws Exception {
        return FaultSuite.until(timeout, () -> {
            for (int r = 0; r < count(); r++) {
                if (!isUp(r)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The replica's readiness answer: its status code, or 0 if none came within {@code timeout}. */
    int readinessStatus(int replica, Duration timeout) throws InterruptedException {
        try {
            return readiness(replica, timeout).statusCode();
        } catch (IOException e) {
            return 0;
        }
    }

    private HttpResponse<String> readiness(int replica, Duration timeout) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPorts[replica] + "/q/health/ready"))
                        .timeout(timeout)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    void awaitReady(int replica) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (isUp(replica)) {
                return;
            }
            if (!processes[replica].isAlive()) {
                throw new IllegalStateException("replica " + (replica + 1) + " exited; see " + log(replica));
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("replica " + (replica + 1) + " did not become ready");
    }

    Path log(int replica) {
        return work.resolve("replica-" + (replica + 1) + ".log");
    }

    private void start(int replica) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Dquarkus.http.port=" + ports[replica],
                "-Dquarkus.management.port=" + managementPorts[replica], "-jar", app.toString());
        Map<String, String> env = pb.environment();
        env.put("COORDINATOR_ADMIN_KEY", adminKey);
        env.put("DATABASE_URL", databaseUrl);
        env.put("REDIS_URL", redisUrl);
        env.put("COORDINATOR_DISPATCH_ACK_TIMEOUT", "5s");
        env.put("COORDINATOR_DISPATCH_LEASE", "10s");
        env.put("COORDINATOR_DISPATCH_RECONNECT_GRACE", "5s");
        env.put("COORDINATOR_DISPATCH_TICK_INTERVAL", ScaleOutCheck.TICK.toSeconds() + "s");
        env.put("COORDINATOR_CHANNEL_MAX_PENDING_BYTES", Long.toString(SlowReader.MAX_PENDING_BYTES));
        env.put("COORDINATOR_DATABASE_ACQUIRE_TIMEOUT", ACQUIRE_TIMEOUT.toSeconds() + "s");
        env.put("COORDINATOR_DATABASE_STATEMENT_TIMEOUT", STATEMENT_TIMEOUT.toSeconds() + "s");
        env.putAll(environment);
        env.putAll(ownEnvironment.getOrDefault(replica, Map.of()));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log(replica).toFile()));
        processes[replica] = pb.start();
    }

    /** Stops every replica gracefully, all at once, and kills those that take too long. */
    @Override
    public void close() {
        for (Process p : processes) {
            if (p != null) {
                p.destroy();
            }
        }
        for (Process p : processes) {
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
}
