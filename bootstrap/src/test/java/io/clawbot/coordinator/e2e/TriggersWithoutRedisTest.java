package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Slack's flow with Redis unreachable from the start: every delivery is still verified, stored once, turned into
 * work and answered; the rate limit holds per replica; the result still goes back.
 */
@QuarkusTest
@TestProfile(TriggersWithoutRedisTest.NoRedis.class)
class TriggersWithoutRedisTest {

    /** The service pointed at a port where no Redis listens. */
    public static class NoRedis implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(SlackStandIn.config());
            try (ServerSocket closed = new ServerSocket(0)) {
                config.put("quarkus.redis.hosts", "redis://127.0.0.1:" + closed.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return config;
        }
    }

    private final SlackStandIn slack = SlackStandIn.get();

    @AfterAll
    static void stop() {
        SlackStandIn.stop();
    }

    @Test
    void a_slash_command_is_taken_once_limited_and_answered_without_redis() throws Exception {
        slack.clear();
        given().noFiltersOfType(AsAdmin.class).when().get("/health").then().statusCode(200)
                .body("status", equalTo("degraded"));
        String trigger = Fixtures.unique("no-redis");
        String type = Fixtures.unique("hk-no-redis");
        Map<String, Object> config = TriggersTest.taskTrigger(trigger, "slack", type, Map.of("secret",
                TriggersTest.SLACK_SECRET, "reply", true, "rate_limit", Map.of("max_requests", 2, "window_seconds",
                        3600)));
        TriggersTest.createTrigger(config);

        String body = TriggersTest.slashCommand("/deploy", "staging", SlackStandIn.base() + "/commands/T1/2/x");
        String task = TriggersTest.slack(trigger, "application/x-www-form-urlencoded", body, TriggersTest.now(),
                TriggersTest.SLACK_SECRET).then().statusCode(200).body("outcome", equalTo("accepted")).extract()
                .path("task_id");
        TriggersTest.slack(trigger, "application/x-www-form-urlencoded", body, TriggersTest.now(),
                TriggersTest.SLACK_SECRET).then().statusCode(200).body("outcome", equalTo("duplicate"));
        TriggersTest.slack(trigger, "application/x-www-form-urlencoded",
                TriggersTest.slashCommand("/deploy", "prod", SlackStandIn.base() + "/commands/T1/3/y"),
                TriggersTest.now(), TriggersTest.SLACK_SECRET).then().statusCode(200);
        TriggersTest.slack(trigger, "application/x-www-form-urlencoded",
                TriggersTest.slashCommand("/deploy", "qa", SlackStandIn.base() + "/commands/T1/4/z"),
                TriggersTest.now(), TriggersTest.SLACK_SECRET).then().statusCode(429);
        assertThat(TriggersTest.tasksOfType(type)).isEqualTo(2);

        String bot = Fixtures.registerBot(Fixtures.unique("no-redis-bot"), type);
        Fixtures.heartbeat(bot);
        Fixtures.assign(task, bot);
        given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"result\": {\"ok\": true}}")
                .when().post("/api/v1/tasks/" + task + "/complete").then().statusCode(200);
        SlackStandIn.Received reply = slack.next(Duration.ofSeconds(15));
        assertThat(reply).isNotNull();
        assertThat(reply.path()).isEqualTo("/commands/T1/2/x");
        assertThat(reply.body()).contains(task).contains("completed");
        List<Map<String, Object>> deliveries = TriggersTest.deliveries(trigger);
        assertThat(deliveries).extracting(d -> d.get("outcome")).containsExactly("rejected", "accepted", "duplicate",
                "accepted");
        assertThat(UUID.fromString(String.valueOf(deliveries.get(3).get("task_id")))).hasToString(task);
    }
}
