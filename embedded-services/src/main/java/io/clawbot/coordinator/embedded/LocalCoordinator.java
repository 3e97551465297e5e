package io.clawbot.coordinator.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged coordinator for local use. Without {@code DATABASE_URL} it starts a real PostgreSQL whose
 * data lives under {@code CLAWBOT_DATA_DIR} (default {@code .clawbot-data}) and survives restarts; without
 * {@code REDIS_URL} it starts a real Redis. Then it runs the coordinator as a child process pointed at them,
 * and stops everything when the coordinator exits or this process is interrupted.
 *
 * <p>Usage: {@code LocalCoordinator <path to quarkus-run.jar> [extra JVM options]}
 */
public final class LocalCoordinator {

    private LocalCoordinator() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: LocalCoordinator <quarkus-run.jar> [jvm options]");
            System.exit(2);
        }
        Path app = Paths.get(args[0]);
        if (!Files.isRegularFile(app)) {
            System.err.println("No packaged coordinator at " + app + "; build it first (./mvnw package -DskipTests)");
            System.exit(2);
        }
        Map<String, String> env = System.getenv();
        Path dataDir = Paths.get(env.getOrDefault("CLAWBOT_DATA_DIR", ".clawbot-data")).toAbsolutePath();
        int httpPort = Integer.parseInt(env.getOrDefault("QUARKUS_HTTP_PORT", "8080"));
        int managementPort = Integer.parseInt(env.getOrDefault("QUARKUS_MANAGEMENT_PORT", "9000"));
        List<String> taken = new ArrayList<>();
        taken.add(portTaken(httpPort, "the coordinator's HTTP port", "QUARKUS_HTTP_PORT"));
        taken.add(portTaken(managementPort, "the coordinator's management port", "QUARKUS_MANAGEMENT_PORT"));
        List<AutoCloseable> started = new ArrayList<>();
        ProcessBuilder coordinator = new ProcessBuilder().inheritIO();

        boolean embeddedPg = blank(env.get("DATABASE_URL")) && blank(env.get("QUARKUS_DATASOURCE_REACTIVE_URL"));
        boolean embeddedRedis = blank(env.get("REDIS_URL")) && blank(env.get("QUARKUS_REDIS_HOSTS"));
        int pgPort = Integer.parseInt(env.getOrDefault("CLAWBOT_EMBEDDED_PG_PORT", "15432"));
        int redisPort = Integer.parseInt(env.getOrDefault("CLAWBOT_EMBEDDED_REDIS_PORT", "16379"));
        if (embeddedPg) {
            taken.add(portTaken(pgPort, "the embedded PostgreSQL", "CLAWBOT_EMBEDDED_PG_PORT"));
        }
        if (embeddedRedis) {
            taken.add(portTaken(redisPort, "the embedded Redis", "CLAWBOT_EMBEDDED_REDIS_PORT"));
        }
        taken.removeIf(problem -> problem == null);
        if (!taken.isEmpty()) {
            taken.forEach(problem -> System.err.println("[local] " + problem));
            System.err.println("[local] Is a coordinator from another terminal still running? Stop it (Ctrl-C there), "
                    + "or choose free ports as shown.");
            System.exit(1);
        }

        if (embeddedPg) {
            int port = pgPort;
            log("starting embedded PostgreSQL on 127.0.0.1:" + port + ", data in " + dataDir.resolve("postgres"));
            EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir.resolve("postgres"), port);
            started.add(pg);
            pg.createDatabase("clawbot");
            coordinator.environment().put("DATABASE_URL", pg.url("clawbot"));
        }
        if (embeddedRedis) {
            int port = redisPort;
            log("starting embedded Redis on 127.0.0.1:" + port);
            EmbeddedRedis redis = EmbeddedRedis.start(port);
            started.add(0, redis);
            coordinator.environment().put("REDIS_URL", redis.url());
        }

        if (blank(env.get("COORDINATOR_FIRST_KEY_FILE"))) {
            // On a database without keys, the coordinator writes the admin key it makes here (mode 0600).
            coordinator.environment().put("COORDINATOR_FIRST_KEY_FILE", dataDir.resolve("admin-key").toString());
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(args).subList(1, args.length));
        command.addAll(List.of("-jar", app.toString()));
        Process process = coordinator.command(command).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process, started), "local-coordinator-stop"));
        Path keyFile = Paths.get(coordinator.environment().get("COORDINATOR_FIRST_KEY_FILE"));
        Thread banner = new Thread(() -> announceWhenReady(process, httpPort, managementPort, keyFile),
                "local-coordinator-banner");
        banner.setDaemon(true);
        banner.start();
        int exit = process.waitFor();
        System.exit(exit);
    }

    private static void stop(Process process, List<AutoCloseable> started) {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AutoCloseable service : started) {
            try {
                service.close();
            } catch (Exception e) {
                log("could not stop " + service.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    /** Why {@code port} on loopback cannot serve {@code what}, or {@code null} when it is free. */
    static String portTaken(int port, String what, String variable) {
        String taken = "port " + port + " (" + what + ") is already taken; choose another with " + variable + "="
                + (port + 1) + " scripts/run.sh";
        // Something answering there is a taken port even where the system would let us bind beside it (a server
        // listening on all addresses with SO_REUSEPORT).
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return taken;
        } catch (IOException e) {
            // nothing answers: see whether it can be bound
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return null;
        } catch (IOException e) {
            return taken;
        }
    }

    /** Waits for the coordinator to be ready, then says where everything is. */
    private static void announceWhenReady(Process process, int httpPort, int managementPort, Path keyFile) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    System.out.println(banner(httpPort, managementPort, keyFile, Files.isReadable(keyFile)));
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The lines printed once the coordinator is ready. */
    static String banner(int httpPort, int managementPort, Path keyFile, boolean keyWritten) {
        Path here = Paths.get("").toAbsolutePath();
        String key = keyFile.toAbsolutePath().startsWith(here)
                ? here.relativize(keyFile.toAbsolutePath()).toString()
                : keyFile.toAbsolutePath().toString();
        String web = "http://localhost:" + httpPort;
        return String.join("\n", "",
                "  ClawBot Coordinator is ready",
                "    Dashboard  " + web + "/ui/",
                "    API        " + web + "/api/v1   (docs: http://localhost:" + managementPort + "/q/swagger-ui)",
                keyWritten
                        ? "    Admin key  " + key + "   (export CLAWBOT_KEY=$(cat " + key + "))"
                        : "    Admin key  none written: the database already had keys; use one of those",
                "    CLI        scripts/clawbot status",
                "    Stop       Ctrl-C (stops the coordinator and the embedded servers it started)",
                "");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void log(String message) {
        System.out.println("[local] " + message);
    }
}
