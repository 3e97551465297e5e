package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bot WebSocket channel end to end: real sockets, real database (docs/bot-protocol.md). */
@QuarkusTest
class BotChannelTest {

    @Test
    void a_missing_or_wrong_token_never_gets_a_session() {
        for (String header : new String[]{ null, "Bearer cbt_not-a-real-token", "Basic Zm9vOmJhcg==" }) {
            assertThat(handshakeStatus(() -> TestBot.open(TestBot.uri(null), header))).isEqualTo(401);
        }
        assertThat(handshakeStatus(() -> TestBot.open(TestBot.uri("token=cbt_wrong"), null))).isEqualTo(401);
    }

    @Test
    void a_revoked_token_is_refused_and_a_rotated_one_replaces_it() {
        var bot = Fixtures.registerBotWithToken(Fixtures.unique("rotator"), "x");
        Object stored = Database.rows("select token_hash from bots where id = '" + bot.id() + "'").getFirst()
                .getFirst();
        assertThat(stored).as("only a hash is stored").asString().hasSize(64).doesNotContain(bot.token());
        String rotated = given().when().post("/api/v1/bots/" + bot.id() + "/token")
                .then().statusCode(200).extract().path("token");
        assertThat(handshakeStatus(() -> TestBot.open(TestBot.uri(null), "Bearer " + bot.token()))).isEqualTo(401);
        try (TestBot ok = TestBot.connect(rotated)) {
            assertThat(ok).isNotNull();
        }
        given().when().delete("/api/v1/bots/" + bot.id() + "/token").then().statusCode(204);
        assertThat(handshakeStatus(() -> TestBot.open(TestBot.uri(null), "Bearer " + rotated))).isEqualTo(401);
        given().when().delete("/api/v1/bots/00000000-0000-0000-0000-000000000000/token").then().statusCode(404);
    }

    @Test
    void a_newer_session_of_the_same_bot_closes_the_older_with_the_code_that_says_do_not_come_back()
            throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("twin"), "x");
        try (TestBot first = TestBot.connect(creds.token()); TestBot second = TestBot.connect(creds.token())) {
            assertThat(first.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4001);
            second.send("heartbeat", Map.of());
            assertThat(second.frames.poll(10, TimeUnit.SECONDS).type()).isEqualTo("heartbeat_ack");
        }
    }

    @Test
    void the_first_frame_is_connected_and_the_bot_is_listed_and_online() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("greeter"), "x");
        try (TestBot bot = TestBot.open(TestBot.uri("token=" + creds.token()), null)) {
            TestBot.Frame connected = bot.next("connected");
            assertThat(connected.payload()).containsEntry("bot_id", creds.id())
                    .containsEntry("protocol_version", 1).containsKeys("heartbeat_interval_seconds",
                            "ack_timeout_seconds", "lease_seconds", "slots");
            given().when().get("/api/v1/ws/connections").then().body("bot_id", hasItem(creds.id()));
            given().when().get("/api/v1/bots/" + creds.id()).then().body("status", equalTo("online"));

            bot.send("heartbeat", Map.of());
            assertThat(bot.frames.poll(10, TimeUnit.SECONDS).type()).isEqualTo("heartbeat_ack");
        }
        awaitOffline(creds.id());
        given().when().get("/api/v1/ws/connections").then().body("bot_id", not(hasItem(creds.id())));
    }

    @Test
    void pending_work_is_pushed_accepted_and_completed_over_the_socket() throws Exception {
        String type = Fixtures.unique("push");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("worker"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            String task = Fixtures.createTask(type, 0);
            Map<String, Object> assigned = bot.next("task_assigned").payload();
            assertThat(assigned).containsEntry("task_id", task).containsEntry("attempt", 1)
                    .containsEntry("type", type).containsKeys("task_payload", "deadline", "timeout_seconds");

            bot.send("task_accepted", Map.of("task_id", task, "attempt", 1));
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "in_progress")
                    .containsEntry("duplicate", false);
            bot.send("task_progress", Map.of("task_id", task, "attempt", 1, "progress", Map.of("pct", 50)));
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "in_progress");
            bot.send("task_complete", Map.of("task_id", task, "attempt", 1, "success", true,
                    "result", Map.of("ok", true)));
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "completed");

            given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("completed"))
                    .body("result.ok", equalTo(true)).body("bot_id", equalTo(creds.id()));
        }
    }

    @Test
    void seed_000s_bot_example_works_with_only_the_token_added() {
        String type = Fixtures.unique("seed");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("seed-bot"), type);
        // Seed 000's bot: ws://.../api/v1/ws/control?bot_id=..., reads payload.task_id and payload.task_payload,
        // answers task_complete with task_id, success and result only (no task_accepted, no attempt).
        try (TestBot bot = TestBot.open(TestBot.uri("bot_id=" + creds.id() + "&token=" + creds.token()), null)) {
            bot.next("connected");
            String task = given().contentType(ContentType.JSON)
                    .body("{\"type\": \"" + type + "\", \"payload\": {\"action\": \"build\"}}")
                    .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
            Map<String, Object> data = bot.next("task_assigned").payload();
            String taskId = (String) data.get("task_id");
            assertThat(data.get("task_payload")).isEqualTo(Map.of("action", "build"));

            bot.send("task_complete", Map.of("task_id", taskId, "success", true, "result", Map.of("output",
                    "success")));
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "completed");
            given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("completed"))
                    .body("result.output", equalTo("success"));
        }
    }

    @Test
    void a_stale_attempt_is_rejected_and_a_duplicate_completion_is_acknowledged_as_such() {
        String type = Fixtures.unique("fence");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("fencer"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            String task = Fixtures.createTask(type, 0);
            bot.next("task_assigned");
            bot.send("task_complete", Map.of("task_id", task, "attempt", 2, "success", true));
            assertThat(bot.next("error").payload()).containsEntry("code", "stale_attempt")
                    .containsEntry("task_id", task);
            given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("assigned"));

            bot.send("task_complete", Map.of("task_id", task, "attempt", 1, "success", false, "error", "boom"));
            // The built-in policy retries: the failure ends attempt 1 and the task waits for its backoff.
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "pending")
                    .containsEntry("duplicate", false);
            bot.send("task_complete", Map.of("task_id", task, "attempt", 1, "success", false, "error", "boom"));
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "pending")
                    .containsEntry("duplicate", true);
            assertThat(Database.count("select count(*) from task_events where task_id = '" + task
                    + "' and cause = 'retry_scheduled'")).isEqualTo(1);
        }
    }

    @Test
    void a_bot_cannot_report_on_another_bots_task() {
        String type = Fixtures.unique("mine");
        var owner = Fixtures.registerBotWithToken(Fixtures.unique("owner"), type);
        var intruder = Fixtures.registerBotWithToken(Fixtures.unique("intruder"), "other");
        try (TestBot ownerBot = TestBot.connect(owner.token()); TestBot other = TestBot.connect(intruder.token())) {
            String task = Fixtures.createTask(type, 0);
            ownerBot.next("task_assigned");
            other.send("task_complete", Map.of("task_id", task, "attempt", 1, "success", true));
            assertThat(other.next("error").payload()).containsEntry("code", "not_assigned");
            given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("assigned"));
        }
    }

    @Test
    void malformed_unknown_and_invalid_frames_get_error_frames_and_change_nothing() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("noisy"), "x");
        try (TestBot bot = TestBot.connect(creds.token())) {
            bot.sendRaw("{not json");
            assertThat(bot.next("error").payload()).containsEntry("code", "malformed_frame");
            bot.sendRaw("[1, 2, 3]");
            assertThat(bot.next("error").payload()).containsEntry("code", "malformed_frame");
            bot.send("launch_rockets", Map.of());
            assertThat(bot.next("error").payload()).containsEntry("code", "unknown_type");
            bot.send("task_accepted", Map.of("task_id", "nope", "attempt", 1));
            assertThat(bot.next("error").payload()).containsEntry("code", "invalid_payload");
            bot.send("task_accepted", Map.of("task_id", java.util.UUID.randomUUID().toString()));
            assertThat((String) bot.next("error").payload().get("message")).contains("attempt");
            bot.send("task_complete", Map.of("task_id", java.util.UUID.randomUUID().toString(), "success", true));
            assertThat(bot.next("error").payload()).containsEntry("code", "task_not_found");
            bot.send("slots", Map.of("slots", 0));
            assertThat(bot.next("error").payload()).containsEntry("code", "invalid_payload");

            bot.send("heartbeat", Map.of());
            assertThat(bot.frames.poll(10, TimeUnit.SECONDS).type()).as("still served").isEqualTo("heartbeat_ack");
        }
    }

    @Test
    void an_oversized_frame_is_refused_with_an_error_frame() {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("bulky"), "x");
        try (TestBot bot = TestBot.connect(creds.token())) {
            Map<String, Object> payload = new HashMap<>();
            payload.put("task_id", java.util.UUID.randomUUID().toString());
            payload.put("attempt", 1);
            payload.put("success", true);
            payload.put("result", Map.of("blob", "x".repeat(1_100_000)));
            bot.send("task_complete", payload);
            assertThat(bot.next("error").payload()).containsEntry("code", "frame_too_large");
        }
    }

    @Test
    void sustained_abuse_closes_the_socket_with_policy_violation() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("abuser"), "x");
        try (TestBot bot = TestBot.connect(creds.token())) {
            for (int i = 0; i < 60 && !bot.closed.isDone(); i++) {
                bot.sendRaw("garbage " + i);
            }
            assertThat(bot.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
        }
    }

    @Test
    void slots_are_announced_and_bound_how_many_tasks_a_bot_gets() throws Exception {
        String type = Fixtures.unique("slotted");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("octopus"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            bot.send("slots", Map.of("slots", 3));
            assertThat(bot.next("slots_ack").payload()).containsEntry("slots", 3);
            for (int i = 0; i < 5; i++) {
                Fixtures.createTask(type, 0);
            }
            for (int i = 0; i < 3; i++) {
                bot.next("task_assigned");
            }
            assertThat(bot.drain(Duration.ofMillis(2500))).extracting(TestBot.Frame::type)
                    .doesNotContain("task_assigned");
            given().when().get("/api/v1/bots/" + creds.id()).then().body("status", equalTo("busy"))
                    .body("slots", equalTo(3));
        }
    }

    @Test
    void manual_assignment_and_cancellation_are_pushed_to_the_bot() {
        String type = Fixtures.unique("manual");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("steered"), "nothing-matches");
        try (TestBot bot = TestBot.connect(creds.token())) {
            String task = Fixtures.createTask(type, 0);
            given().contentType(ContentType.JSON).body("{\"bot_id\": \"" + creds.id() + "\"}")
                    .when().post("/api/v1/tasks/" + task + "/assign").then().statusCode(409);
            String untyped = given().contentType(ContentType.JSON).body("{\"payload\": {\"manual\": true}}")
                    .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
            Map<String, Object> pushed = bot.next("task_assigned").payload();
            String got = (String) pushed.get("task_id");
            if (!got.equals(untyped)) {
                throw new AssertionError("expected the untyped task, got " + pushed);
            }
            given().when().post("/api/v1/ws/broadcast/task/" + untyped).then().statusCode(200)
                    .body("sent", equalTo(true));
            assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", untyped);

            given().contentType(ContentType.JSON).body("{\"reason\": \"changed my mind\"}")
                    .when().post("/api/v1/tasks/" + untyped + "/cancel").then().statusCode(200);
            assertThat(bot.next("task_cancel").payload()).containsEntry("task_id", untyped)
                    .containsEntry("reason", "changed my mind");
        }
    }

    /** The HTTP status with which the upgrade was refused; fails when a session was opened. */
    private static int handshakeStatus(Runnable connect) {
        try {
            connect.run();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof WebSocketHandshakeException h) {
                    return h.getResponse().statusCode();
                }
            }
            throw e;
        }
        throw new AssertionError("the upgrade was accepted");
    }

    private static void awaitOffline(String botId) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            String status = given().when().get("/api/v1/bots/" + botId).then().extract().path("status");
            if ("offline".equals(status)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("bot " + botId + " did not go offline");
    }
}
