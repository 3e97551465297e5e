package io.clawbot.coordinator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What scripts/run.sh's launcher tells a newcomer: a taken port in one line, and where everything is. */
class LocalCoordinatorTest {

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void a_taken_port_ends_the_start_with_what_to_do_and_no_stack_trace() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Path app = Files.createFile(dir.resolve("quarkus-run.jar"));
            ProcessBuilder launcher = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), LocalCoordinator.class.getName(), app.toString())
                    .redirectErrorStream(true);
            launcher.environment().remove("DATABASE_URL");
            launcher.environment().remove("REDIS_URL");
            launcher.environment().put("CLAWBOT_DATA_DIR", dir.resolve("data").toString());
            launcher.environment().put("CLAWBOT_EMBEDDED_PG_PORT", String.valueOf(taken.getLocalPort()));
            launcher.environment().put("CLAWBOT_EMBEDDED_REDIS_PORT", String.valueOf(freePort()));
            launcher.environment().put("QUARKUS_HTTP_PORT", String.valueOf(freePort()));
            launcher.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort()));
            Process process = launcher.start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(output).contains("port " + taken.getLocalPort() + " (the embedded PostgreSQL) is already taken;"
                    + " choose another with CLAWBOT_EMBEDDED_PG_PORT=" + (taken.getLocalPort() + 1))
                    .contains("Is a coordinator from another terminal still running?")
                    .doesNotContain("Exception", "\tat ");
            assertThat(dir.resolve("data")).doesNotExist();
        }
    }

    @Test
    void a_free_port_is_free_and_a_bound_one_is_named() throws Exception {
        int free = freePort();
        assertThat(LocalCoordinator.portTaken(free, "x", "X_PORT")).isNull();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            assertThat(LocalCoordinator.portTaken(taken.getLocalPort(), "the HTTP port", "QUARKUS_HTTP_PORT"))
                    .isEqualTo("port " + taken.getLocalPort() + " (the HTTP port) is already taken; choose another"
                            + " with QUARKUS_HTTP_PORT=" + (taken.getLocalPort() + 1) + " scripts/run.sh");
        }
    }

    @Test
    void the_banner_names_the_dashboard_the_api_the_key_and_how_to_stop() {
        Path key = Paths.get("").toAbsolutePath().resolve(".clawbot-data").resolve("admin-key");
        List<String> lines = LocalCoordinator.banner(8080, 9000, key, true).lines().toList();
        assertThat(lines).contains("  ClawBot Coordinator is ready",
                "    Dashboard  http://localhost:8080/ui/",
                "    API        http://localhost:8080/api/v1   (docs: http://localhost:9000/q/swagger-ui)",
                "    Admin key  .clawbot-data/admin-key   (export CLAWBOT_KEY=$(cat .clawbot-data/admin-key))",
                "    Stop       Ctrl-C (stops the coordinator and the embedded servers it started)");
        assertThat(LocalCoordinator.banner(8080, 9000, key, false))
                .contains("none written: the database already had keys");
    }
}
