package io.clawbot.coordinator.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
        List<AutoCloseable> started = new ArrayList<>();
        ProcessBuilder coordinator = new ProcessBuilder().inheritIO();

        if (blank(env.get("DATABASE_URL")) && blank(env.get("QUARKUS_DATASOURCE_REACTIVE_URL"))) {
            int port = Integer.parseInt(env.getOrDefault("CLAWBOT_EMBEDDED_PG_PORT", "15432"));
            log("starting embedded PostgreSQL on 127.0.0.1:" + port + ", data in " + dataDir.resolve("postgres"));
            EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir.resolve("postgres"), port);
            started.add(pg);
            pg.createDatabase("clawbot");
            coordinator.environment().put("DATABASE_URL", pg.url("clawbot"));
        }
        if (blank(env.get("REDIS_URL")) && blank(env.get("QUARKUS_REDIS_HOSTS"))) {
            int port = Integer.parseInt(env.getOrDefault("CLAWBOT_EMBEDDED_REDIS_PORT", "16379"));
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

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void log(String message) {
        System.out.println("[local] " + message);
    }
}
