package io.clawbot.coordinator.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.botclient.BotClient;
import io.clawbot.coordinator.botclient.TaskFailure;
import io.clawbot.coordinator.embedded.EmbeddedPostgres;
import io.clawbot.coordinator.embedded.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packaged coordinator with {@code CLAWBOT_LOG_FORMAT=json}, as the Kubernetes manifests run it: every line its
 * logging writes, from start to stop, is one JSON object with the fields a log pipeline indexes, and the lines
 * about a bot or a task carry its ids as fields.
 */
class JsonLogsTest {

    private static final Path APP = Path.of("..", "bootstrap", "target", "quarkus-app", "quarkus-run.jar");
    /** A line in the terminal format: what must not appear when JSON is asked for. */
    private static final Pattern PLAIN = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} +[A-Z]+ ");

    @Test
    void every_log_line_is_a_json_object_with_its_level_logger_and_message() throws Exception {
        assertThat(APP).as("the packaged coordinator (the bootstrap module builds it)").isRegularFile();
        Path work = Path.of("target", "json-logs");
        if (Files.exists(work)) {
            try (var paths = Files.walk(work)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(work);
        EmbeddedPostgres postgres = EmbeddedPostgres.start(work.resolve("postgres"), FreePort.find());
        String taskId;
        try (StoppableRedis redis = new StoppableRedis()) {
            postgres.createDatabase("clawbot_json_logs");
            try (Replicas replicas = new Replicas(1, APP, work, postgres.url("clawbot_json_logs"), redis.url())
                    .withEnvironment("CLAWBOT_LOG_FORMAT", "json")) {
                replicas.startAll();
                Api api = new Api(replicas);
                String token = api.registerBot(0, "json-logs-bot", List.of("work")).path("token").asText();
                CountDownLatch ran = new CountDownLatch(1);
                try (BotClient bot = BotClient.builder().uri(replicas.controlUri(0)).token(token)
                        .handler(task -> {
                            ran.countDown();
                            throw new TaskFailure("disk_full", "no space left");
                        }).build()) {
                    bot.start().get(30, TimeUnit.SECONDS);
                    taskId = api.createTask(0, "{\"type\": \"work\", \"retry\": {\"max_attempts\": 1}}")
                            .path("id").asText();
                    assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
                    Thread.sleep(500); // the failure's report is written
                }
            }
        } finally {
            postgres.close();
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(work.resolve("replica-1.log"))) {
            assertThat(line).as("a line in the terminal format").doesNotMatch(PLAIN);
            if (line.startsWith("{")) {
                lines.add(json.readTree(line));
            }
        }
        assertThat(lines).as("JSON lines from start to stop").hasSizeGreaterThan(3);
        for (JsonNode line : lines) {
            assertThat(line.isObject()).isTrue();
            assertThat(line.path("timestamp").asText()).isNotBlank();
            assertThat(line.path("level").asText()).isIn("TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR");
            assertThat(line.path("loggerName").asText()).isNotBlank();
            assertThat(line.has("message")).isTrue();
        }
        assertThat(lines).anyMatch(line -> line.path("message").asText().contains("started in"))
                .anyMatch(line -> line.path("message").asText().contains("stopped in"));
        // The operator's story, each line with the ids it is about as fields: the bot came and went, the task
        // ended in the dead letters, the replica joined and drained.
        assertThat(lines).anyMatch(line -> line.path("message").asText().contains("json-logs-bot")
                && line.path("message").asText().contains("connected")
                && !line.path("mdc").path("bot_id").asText().isBlank());
        assertThat(lines).anyMatch(line -> line.path("message").asText().contains("left")
                && !line.path("mdc").path("bot_id").asText().isBlank());
        assertThat(lines).anyMatch(line -> line.path("level").asText().equals("INFO")
                && line.path("message").asText().contains("failed for good")
                && line.path("message").asText().contains("disk_full")
                && line.path("mdc").path("task_id").asText().equals(taskId)
                && line.path("mdc").path("task_type").asText().equals("work"));
        assertThat(lines).anyMatch(line -> line.path("message").asText().contains("joined")
                && !line.path("mdc").path("replica").asText().isBlank())
                .anyMatch(line -> line.path("message").asText().contains("draining"));
    }
}
