package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Timeouts, retries, dead letters and delayed tasks in real time, with second-long terms ({@link ShortLeases}:
 * sweeps and dispatch ticks every second).
 */
@QuarkusTest
@TestProfile(ShortLeases.class)
class RetryTimeoutTest {

    @Test
    void a_silent_bot_times_out_is_retried_after_a_backoff_ends_in_the_dead_letters_and_a_redrive_completes() {
        String type = Fixtures.unique("silent");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("mute"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            String task = given().contentType(ContentType.JSON)
                    .body(Map.of("type", type, "timeout_seconds", 1, "payload", Map.of("n", 1),
                            "retry", Map.of("max_attempts", 2, "backoff_seconds", 2, "jitter", 0)))
                    .when().post("/api/v1/tasks").then().statusCode(201)
                    .body("retry.max_attempts", equalTo(2)).body("retry.backoff_seconds", equalTo(2.0f))
                    .extract().path("id");

            // Attempt 1: accepted, then nothing. The execution timeout fires and the bot is told to stop.
            assertThat(bot.next("task_assigned").payload()).containsEntry("attempt", 1);
            bot.send("task_accepted", Map.of("task_id", task, "attempt", 1));
            bot.next("task_ack");
            Map<String, Object> cancel = bot.next("task_cancel").payload();
            assertThat(cancel).containsEntry("task_id", task).containsEntry("attempt", 1);
            assertThat((String) cancel.get("reason")).startsWith("execution_timeout: attempt 1 ran longer than its "
                    + "timeout of 1 s (exceeded by ").contains("retry as attempt 2 of 2 in 2.0 s");

            // Attempt 2 comes only after the backoff.
            assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", task).containsEntry("attempt", 2);
            List<Map<String, Object>> events = events(task);
            Instant timedOut = occurred(events, "execution_timeout", 1);
            Instant reassigned = occurred(events, "assigned", 2);
            assertThat(Duration.between(timedOut, reassigned)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));

            // Attempt 2 is the last: its timeout ends the task in the dead-letter list.
            bot.send("task_accepted", Map.of("task_id", task, "attempt", 2));
            bot.next("task_ack");
            assertThat(bot.next("task_cancel").payload()).containsEntry("attempt", 2);
            given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("timed_out"))
                    .body("error_code", equalTo("execution_timeout"))
                    .body("error", containsString("exceeded by"))
                    .body("attempts_made", equalTo(2));
            given().queryParam("type", type).when().get("/api/v1/tasks/dead-letters").then().statusCode(200)
                    .body("id", hasItem(task));
            bot.send("task_complete", Map.of("task_id", task, "attempt", 2, "success", true));
            assertThat(bot.next("error").payload()).containsEntry("task_id", task);

            // A redrive gives it a fresh set of attempts; attempt numbers keep rising.
            given().when().post("/api/v1/tasks/" + task + "/redrive").then().statusCode(200)
                    .body("status", equalTo("pending")).body("attempts_made", equalTo(0));
            given().queryParam("type", type).when().get("/api/v1/tasks/dead-letters").then()
                    .body("id", not(hasItem(task)));
            assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", task).containsEntry("attempt", 3);
            bot.send("task_accepted", Map.of("task_id", task, "attempt", 3));
            bot.next("task_ack");
            bot.send("task_complete", Map.of("task_id", task, "attempt", 3, "success", true, "result",
                    Map.of("ok", true)));
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "completed");

            assertThat(events(task)).extracting(e -> e.get("cause")).containsExactly("created", "assigned",
                    "started", "execution_timeout", "assigned", "started", "execution_timeout", "redriven",
                    "assigned", "started", "completed");
        }
    }

    @Test
    void a_redrive_needs_a_failed_or_timed_out_standalone_task() {
        String task = Fixtures.createTask(Fixtures.unique("fresh"), 0);
        given().when().post("/api/v1/tasks/" + task + "/redrive").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:invalid-transition"));
        given().when().post("/api/v1/tasks/" + java.util.UUID.randomUUID() + "/redrive").then().statusCode(404);
        given().when().post("/api/v1/tasks/not-a-uuid/redrive").then().statusCode(400);
    }

    @Test
    void a_non_retryable_error_code_ends_the_task_at_once() {
        String type = Fixtures.unique("picky");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("strict"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            String task = given().contentType(ContentType.JSON)
                    .body(Map.of("type", type, "retry", Map.of("max_attempts", 5,
                            "non_retryable_errors", List.of("invalid_input"))))
                    .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
            bot.next("task_assigned");
            bot.send("task_complete", Map.of("task_id", task, "attempt", 1, "success", false, "error",
                    "the input is not a scene", "error_code", "invalid_input"));
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "failed");
            given().when().get("/api/v1/tasks/" + task).then().body("error_code", equalTo("invalid_input"))
                    .body("attempts_made", equalTo(1));
        }
    }

    @Test
    void a_delayed_task_is_not_dispatched_before_its_time() {
        String type = Fixtures.unique("later");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("idle"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            String delayed = given().contentType(ContentType.JSON)
                    .body(Map.of("type", type, "delay_seconds", 2))
                    .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
            String at = OffsetDateTime.now().plusSeconds(3).toString();
            String scheduled = given().contentType(ContentType.JSON)
                    .body(Map.of("type", type, "run_at", at, "priority", 10))
                    .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");

            assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", delayed);
            bot.send("task_complete", Map.of("task_id", delayed, "attempt", 1, "success", true));
            bot.next("task_ack");
            assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", scheduled);

            // By the database's clock, neither was assigned before it was due.
            assertThat(Database.count("select count(*) from tasks where id in ('" + delayed + "', '" + scheduled
                    + "') and assigned_at is not null and assigned_at >= run_at")).isEqualTo(2);
            assertThat(Database.count("select count(*) from tasks where id = '" + delayed
                    + "' and run_at >= created_at + interval '2 seconds'")).isEqualTo(1);
        }
    }

    @Test
    void a_task_nobody_starts_in_time_times_out() {
        String type = Fixtures.unique("orphan");
        String task = given().contentType(ContentType.JSON)
                .body(Map.of("type", type, "schedule_to_start_seconds", 1))
                .when().post("/api/v1/tasks").then().statusCode(201)
                .body("deadline_at", org.hamcrest.Matchers.notNullValue()).extract().path("id");
        JsonPath timedOut = awaitStatus(task, "timed_out");
        assertThat(timedOut.getString("error_code")).isEqualTo("schedule_to_start_timeout");
        assertThat(timedOut.getString("error")).contains("within its schedule-to-start limit of 1 s (exceeded by");
        assertThat(timedOut.getString("started_at")).isNull();
    }

    @Test
    void timing_fields_are_validated() {
        given().contentType(ContentType.JSON).body(Map.of("delay_seconds", 5, "run_at", "2030-01-01T00:00:00Z"))
                .when().post("/api/v1/tasks").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("delay_seconds"));
        given().contentType(ContentType.JSON).body(Map.of("run_at", "tomorrow"))
                .when().post("/api/v1/tasks").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("schedule_to_start_seconds", 0))
                .when().post("/api/v1/tasks").then().statusCode(400)
                .body("field", equalTo("schedule_to_start_seconds"));
        given().contentType(ContentType.JSON).body(Map.of("retry", Map.of("max_attempts", 0)))
                .when().post("/api/v1/tasks").then().statusCode(400).body("field", equalTo("retry.max_attempts"));
        given().contentType(ContentType.JSON).body(Map.of("retry", Map.of("jitter", 2)))
                .when().post("/api/v1/tasks").then().statusCode(400).body("field", equalTo("retry.jitter"));
        given().contentType(ContentType.JSON).body(Map.of("retry", Map.of("non_retryable_errors", List.of("a b"))))
                .when().post("/api/v1/tasks").then().statusCode(400)
                .body("field", equalTo("retry.non_retryable_errors"));
        given().contentType(ContentType.JSON).body(Map.of("retry", Map.of("backoff", 1)))
                .when().post("/api/v1/tasks").then().statusCode(400);
    }

    private static List<Map<String, Object>> events(String task) {
        return given().when().get("/api/v1/tasks/" + task + "/events").then().statusCode(200).extract().jsonPath()
                .getList("$");
    }

    private static Instant occurred(List<Map<String, Object>> events, String cause, int attempt) {
        return events.stream()
                .filter(e -> cause.equals(e.get("cause")) && Integer.valueOf(attempt).equals(e.get("attempt")))
                .map(e -> Instant.parse((String) e.get("occurred_at")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + cause + " event for attempt " + attempt
                        + " in " + events));
    }

    private static JsonPath awaitStatus(String task, String status) {
        Instant until = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(until)) {
            JsonPath json = given().when().get("/api/v1/tasks/" + task).then().statusCode(200).extract().jsonPath();
            if (status.equals(json.getString("status"))) {
                return json;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("task " + task + " did not become " + status);
    }
}
