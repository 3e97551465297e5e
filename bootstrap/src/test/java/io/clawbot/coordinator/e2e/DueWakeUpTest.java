package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A task that becomes due later (a retry's backoff, a delay) is dispatched when it becomes due, not at the next
 * tick: here there is no tick within the test's time, so only the replica's wake-up can bring it to the bot. It
 * never comes before its time.
 */
@QuarkusTest
@TestProfile(NoDispatchTick.class)
class DueWakeUpTest {

    /** How late a due task may reach its bot: the wake-up's slot and margin, a round, and a loaded machine. */
    private static final Duration LATE_BOUND = Duration.ofMillis(1500);

    @RepeatedTest(3)
    void a_retry_reaches_its_bot_when_its_backoff_has_passed() {
        String type = Fixtures.unique("retried");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("retry-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            String id = given().contentType(ContentType.JSON).body(Map.of("type", type, "retry",
                    Map.of("max_attempts", 2, "backoff_seconds", 1, "jitter", 0))).when().post("/api/v1/tasks")
                    .then().statusCode(201).extract().path("id");
            assertThat(bot.next("task_assigned").payload()).containsEntry("attempt", 1);
            bot.send("task_accepted", Map.of("task_id", id, "attempt", 1));
            bot.next("task_ack");
            bot.send("task_complete", Map.of("task_id", id, "attempt", 1, "success", false, "error", "flaky"));
            bot.next("task_ack");
            long failed = System.nanoTime();

            assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", id).containsEntry("attempt",
                    2);
            Duration waited = Duration.ofNanos(System.nanoTime() - failed);
            assertThat(waited).isBetween(Duration.ofMillis(900), Duration.ofSeconds(1).plus(LATE_BOUND));
        }
    }

    @RepeatedTest(3)
    void a_delayed_task_reaches_its_bot_when_its_delay_has_passed() {
        String type = Fixtures.unique("delayed");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("delay-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            long created = System.nanoTime();
            String id = given().contentType(ContentType.JSON).body(Map.of("type", type, "delay_seconds", 1))
                    .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
            assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", id);
            Duration waited = Duration.ofNanos(System.nanoTime() - created);
            assertThat(waited).isBetween(Duration.ofMillis(900), Duration.ofSeconds(1).plus(LATE_BOUND));
        }
    }
}
