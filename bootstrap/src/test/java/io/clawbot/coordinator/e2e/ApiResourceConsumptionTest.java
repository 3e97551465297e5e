package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * OWASP API Security Top 10 (2023), API4 Unrestricted Resource Consumption: what a client or a bot sends is
 * bounded and refused precisely, large results within the limits work, and a flood costs little once judged.
 */
@QuarkusTest
class ApiResourceConsumptionTest {

    @Test
    void an_oversized_chunked_body_is_refused_without_an_error_in_the_log() {
        List<LogRecord> errors = capture("", Level.SEVERE, () -> {
            byte[] chunk = ("{\"type\": \"t\", \"payload\": {\"blob\": \"" + "x".repeat(3_000_000) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            try {
                int status = given().contentType("application/json")
                        .body(new SequenceInputStream(new ByteArrayInputStream(chunk),
                                new ByteArrayInputStream(new byte[0])))
                        .when().post("/api/v1/tasks").statusCode();
                assertThat(status).isEqualTo(413);
            } catch (Exception e) {
                // The service answers 413 and closes the connection as soon as the body passes the transport's
                // limit; a client still writing the rest may see that close before it reads the answer
                // (RestAssured throws the socket's own exception, unchecked).
                assertThat(rootCause(e)).isInstanceOf(SocketException.class).hasMessageContaining("Broken pipe");
            }
        });
        assertThat(errors).extracting(LogRecord::getMessage).isEmpty();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Test
    void a_yaml_body_over_its_limit_is_413_and_a_dense_graph_over_the_edge_limit_is_400() {
        long workflows = Database.count("select count(*) from workflows");
        String yaml = "workflow:\n  name: big\n  jobs:\n    - id: a\n      parameters:\n        blob: "
                + "x".repeat(300_000) + "\n";
        given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8)).when()
                .post("/api/v1/workflows/from-yaml").then().statusCode(413)
                .contentType("application/problem+json");
        StringBuilder steps = new StringBuilder();
        // 450 steps, each depending on every earlier one: 101,025 edges in about 700 KB.
        for (int i = 0; i < 450; i++) {
            StringBuilder deps = new StringBuilder();
            for (int j = 0; j < i; j++) {
                deps.append(j == 0 ? "" : ",").append("\"s").append(Integer.toString(j, 36)).append('"');
            }
            steps.append(i == 0 ? "" : ", ").append("{\"id\": \"s").append(Integer.toString(i, 36))
                    .append("\", \"type\": \"t\", ")
                    .append("\"depends_on\": [").append(deps).append("]}");
        }
        given().contentType("application/json").body("{\"definition\": {\"name\": \"dense\", \"steps\": ["
                + steps + "]}}").when().post("/api/v1/workflows").then().statusCode(400)
                .body("field", equalTo("definition.steps"));
        assertThat(Database.count("select count(*) from workflows")).isEqualTo(workflows);
    }

    @Test
    void a_bot_flooding_heartbeats_costs_the_database_about_one_write_a_second() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("beats"), "x");
        try (TestBot bot = TestBot.connect(creds.token())) {
            long before = version(creds.id());
            long start = System.nanoTime();
            for (int i = 0; i < 150; i++) {
                bot.send("heartbeat", Map.of());
                TestBot.Frame answer = bot.frames.poll(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(answer).isNotNull().extracting(TestBot.Frame::type).isEqualTo("heartbeat_ack");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            for (int i = 0; i < 150; i++) {
                Keys.as(creds.token()).when().post("/api/v1/bots/" + creds.id() + "/heartbeat").then().statusCode(200);
            }
            double total = (System.nanoTime() - start) / 1e9;
            assertThat(version(creds.id()) - before).as("writes for 300 heartbeats in %.1f s", total)
                    .isLessThanOrEqualTo((long) Math.ceil(total) + 2);
            assertThat(seconds).isPositive();
        }
    }

    private static long version(String botId) {
        return Database.count("select version from bots where id = '" + botId + "'");
    }

    @Test
    void a_page_of_large_tasks_stops_at_its_byte_limit_and_links_to_the_rest() {
        String type = Fixtures.unique("heavy");
        String blob = "h".repeat(900_000);
        java.util.Set<String> created = new java.util.HashSet<>();
        for (int i = 0; i < 6; i++) {
            created.add(given().contentType("application/json").body("{\"type\": \"" + type
                    + "\", \"payload\": {\"blob\": \"" + blob + "\"}}").when().post("/api/v1/tasks").then()
                    .statusCode(201).extract().path("id"));
        }
        var first = given().queryParam("type", type).queryParam("limit", 10).when().get("/api/v1/tasks").then()
                .statusCode(200).extract();
        List<String> firstIds = first.jsonPath().getList("id");
        assertThat(first.asByteArray().length).isLessThanOrEqualTo(4 * 1024 * 1024);
        assertThat(firstIds).hasSizeBetween(1, 5);
        String link = first.header("Link");
        assertThat(link).startsWith("</api/v1/tasks?").endsWith(">; rel=\"next\"")
                .contains("offset=" + firstIds.size());
        String next = link.substring(1, link.indexOf('>'));
        List<String> rest = given().urlEncodingEnabled(false).when().get(next).then().statusCode(200).extract()
                .jsonPath().getList("id");
        java.util.Set<String> all = new java.util.HashSet<>(firstIds);
        all.addAll(rest);
        assertThat(all).isEqualTo(created);
        given().queryParam("type", type).queryParam("limit", 1).when().get("/api/v1/tasks").then().statusCode(200)
                .header("Link", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void a_result_larger_than_one_websocket_frame_of_the_transport_completes() throws Exception {
        String type = Fixtures.unique("big");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("big"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            String task = Fixtures.createTask(type, 0);
            bot.next("task_assigned");
            String blob = "y".repeat(300_000);
            bot.send("task_complete", Map.of("task_id", task, "attempt", 1, "success", true,
                    "result", Map.of("blob", blob)));
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "completed");
            given().when().get("/api/v1/tasks/" + task).then().body("result.blob.length()", equalTo(300_000));
        }
    }

    @Test
    void a_frame_over_the_channel_limit_gets_an_error_frame_and_the_session_stays() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("huge"), "x");
        try (TestBot bot = TestBot.connect(creds.token())) {
            bot.sendRaw("{\"type\": \"heartbeat\", \"payload\": {\"pad\": \"" + "z".repeat(1_100_000) + "\"}}");
            assertThat(bot.next("error").payload()).containsEntry("code", "frame_too_large");
            bot.send("heartbeat", Map.of());
            assertThat(bot.frames.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isNotNull()
                    .extracting(TestBot.Frame::type).isEqualTo("heartbeat_ack");
        }
    }

    @Test
    void binary_frames_and_nul_characters_get_error_frames() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("binary"), "x");
        try (TestBot bot = TestBot.connect(creds.token())) {
            bot.sendBinary(new byte[]{ 1, 2, 3 });
            assertThat(bot.next("error").payload()).containsEntry("code", "binary_not_supported");
            bot.sendRaw("{\"type\": \"heartbeat\", \"payload\": {\"note\": \"a\\u0000b\"}}");
            assertThat(bot.next("error").payload()).containsEntry("code", "invalid_text");
        }
    }

    @Test
    void a_text_frame_that_is_not_utf8_closes_the_session_with_1007_and_utf8_passes() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("utf8"), "x");
        try (RawWebSocket ws = RawWebSocket.open(creds.token())) {
            assertThat(ws.next()).contains("\"connected\"");
            ws.sendText("{\"type\": \"heartbeat\", \"payload\": {\"note\": \"é ☃ 𝄞\"}}"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(ws.next()).contains("heartbeat_ack");
            ws.sendText(new byte[]{ '{', '"', (byte) 0xC3, (byte) 0x28, '"', '}' });
            assertThat(ws.next()).isEqualTo("close:1007");
        }
    }

    @Test
    void a_flood_of_bad_frames_is_cut_off_and_logged_once() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("flood"), "x");
        List<LogRecord> warnings = capture("io.clawbot.coordinator.adapters.ws", Level.WARNING, () -> {
            try (TestBot bot = TestBot.connect(creds.token())) {
                for (int i = 0; i < 2_000 && !bot.closed.isDone(); i++) {
                    try {
                        bot.sendRaw("not json " + i);
                    } catch (java.util.concurrent.CompletionException closedMeanwhile) {
                        break;
                    }
                }
                assertThat(bot.closed.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1008);
                Thread.sleep(Duration.ofMillis(500));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst().getMessage()).contains("too many invalid frames");
    }

    /** The records at {@code level} or above that loggers under {@code name} publish while {@code action} runs. */
    private static List<LogRecord> capture(String name, Level level, Runnable action) {
        List<LogRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= level.intValue()) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(name);
        logger.addHandler(handler);
        try {
            action.run();
        } finally {
            logger.removeHandler(handler);
        }
        return List.copyOf(records);
    }
}
