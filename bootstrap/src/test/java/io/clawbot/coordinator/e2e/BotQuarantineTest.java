package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clawbot.coordinator.botclient.BotClient;
import io.clawbot.coordinator.botclient.TaskFailure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Bots judged by how they work, with bots over WebSockets: a bot that fails every task of one type is quarantined
 * for it (its other capability still serves, a healthy bot takes the type's tasks), an operator releases it, and
 * a second quarantine ends by itself after the cool-down. Outcomes after two, quarantines of three seconds
 * ({@link QuickQuarantines}).
 */
@QuarkusTest
@TestProfile(QuickQuarantines.class)
class BotQuarantineTest {

    private static String task(String type) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("type", type, "retry", Map.of("max_attempts", 1))).when().post("/api/v1/tasks").then()
                .statusCode(201).extract().path("id");
    }

    private static String status(String id) {
        return given().when().get("/api/v1/tasks/" + id).then().statusCode(200).extract().path("status");
    }

    private static String botOf(String id) {
        return given().when().get("/api/v1/tasks/" + id).then().statusCode(200).extract().path("bot_id");
    }

    private static JsonPath health(String bot) {
        return given().when().get("/api/v1/bots/" + bot + "/health").then().statusCode(200).extract().jsonPath();
    }

    private static boolean quarantined(String bot, String type) {
        List<Map<String, Object>> all = health(bot).getList("$");
        return all.stream().anyMatch(h -> type.equals(h.get("type")) && Boolean.TRUE.equals(h.get("quarantined")));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(25);
        }
    }

    private static BotClient bot(String token, boolean failing, String failingType) throws Exception {
        BotClient client = BotClient.builder().uri(URI.create(TestBot.uri(null).toString())).token(token).slots(2)
                .handler(task -> {
                    if (failing && failingType.equals(task.type())) {
                        throw new TaskFailure("upstream_broken", "this bot cannot reach the upstream");
                    }
                    return Map.of();
                }).build();
        client.start().get(10, TimeUnit.SECONDS);
        return client;
    }

    @Test
    void a_bot_that_fails_a_type_is_quarantined_for_it_and_released_by_an_operator_or_the_cool_down()
            throws Exception {
        String broken = Fixtures.unique("qa");
        String fine = Fixtures.unique("qb");
        var flaky = Fixtures.registerBotWithToken(Fixtures.unique("flaky"), broken, fine);
        var healthy = Fixtures.registerBotWithToken(Fixtures.unique("healthy"), broken);
        List<BotClient> fleet = new ArrayList<>();
        try {
            BotClient flakyBot = bot(flaky.token(), true, broken);
            fleet.add(flakyBot);
            List<String> failedFirst = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                failedFirst.add(task(broken));
            }
            await("the flaky bot quarantined for " + broken, () -> quarantined(flaky.id(), broken));
            JsonPath scores = health(flaky.id());
            assertThat(scores.getString("find { it.type == '" + broken + "' }.reason")).contains("upstream_broken",
                    "fell under 0.5");
            assertThat(scores.getDouble("find { it.type == '" + broken + "' }.score")).isLessThan(0.5);
            assertThat(scores.getInt("find { it.type == '" + broken + "' }.quarantines")).isEqualTo(1);
            // Its view may lag a refresh: let every replica's cache take the quarantine in.
            Thread.sleep(500);
            await("the tasks it took before the quarantine ended", () -> failedFirst.stream()
                    .allMatch(id -> !status(id).equals("assigned") && !status(id).equals("in_progress")));

            List<String> waiting = List.of(task(broken), task(broken));
            String other = task(fine);
            await("its other capability still serves", () -> status(other).equals("completed"));
            assertThat(botOf(other)).isEqualTo(flaky.id());
            Thread.sleep(500);
            assertThat(waiting).as("no task of the quarantined type offered to it")
                    .allSatisfy(id -> assertThat(status(id)).isEqualTo("pending"));

            BotClient healthyBot = bot(healthy.token(), false, broken);
            fleet.add(healthyBot);
            await("a healthy bot takes the type's tasks",
                    () -> waiting.stream().allMatch(id -> status(id).equals("completed")));
            assertThat(waiting).allSatisfy(id -> assertThat(botOf(id)).isEqualTo(healthy.id()));
            healthyBot.close();
            fleet.remove(healthyBot);

            given().when().post("/api/v1/bots/" + flaky.id() + "/health/" + broken + "/release").then()
                    .statusCode(200).body("quarantined", equalTo(false)).body("samples", equalTo(0));
            String afterRelease = task(broken);
            await("released, it is offered the type again", () -> status(afterRelease).equals("failed"));
            assertThat(botOf(afterRelease)).isEqualTo(flaky.id());

            // On probation: a second failure quarantines it again, and the cool-down ends that by itself.
            String second = task(broken);
            await("quarantined again", () -> status(second).equals("failed") && quarantined(flaky.id(), broken));
            assertThat(health(flaky.id()).getInt("find { it.type == '" + broken + "' }.quarantines")).isEqualTo(2);
            Thread.sleep(500);
            String afterCoolDown = task(broken);
            Thread.sleep(1000);
            assertThat(status(afterCoolDown)).as("within the cool-down").isEqualTo("pending");
            await("the cool-down over, it is offered the type again", () -> status(afterCoolDown).equals("failed"));
            assertThat(botOf(afterCoolDown)).isEqualTo(flaky.id());
        } finally {
            fleet.forEach(BotClient::close);
        }
        String metrics = given().port(ServiceApiTest.managementPort()).when().get("/q/metrics").then()
                .statusCode(200).extract().asString();
        assertThat(metrics).contains("clawbot_bot_quarantines_total{type=\"" + broken + "\"}");
    }

    @Test
    void bad_health_requests_are_refused_with_a_problem() {
        given().when().get("/api/v1/bots/not-a-uuid/health").then().statusCode(400)
                .contentType("application/problem+json");
        given().when().get("/api/v1/bots/01a24ab8-0230-711f-bf7f-6ceeea219442/health").then().statusCode(404)
                .contentType("application/problem+json");
        var bot = Fixtures.registerBotWithToken(Fixtures.unique("no-scores"), "qx");
        given().when().get("/api/v1/bots/" + bot.id() + "/health").then().statusCode(200).body("size()", equalTo(0));
        given().when().post("/api/v1/bots/" + bot.id() + "/health/qx/release").then().statusCode(404)
                .contentType("application/problem+json");
        given().when().post("/api/v1/bots/" + bot.id() + "/health/bad%20type/release").then().statusCode(400)
                .contentType("application/problem+json");
        Keys.as(Keys.issue("reader")).when().post("/api/v1/bots/" + bot.id() + "/health/qx/release").then()
                .statusCode(403);
    }
}
