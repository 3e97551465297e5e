package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A bot that stops reading its socket cannot hold up the coordinator or the other bots. */
@QuarkusTest
@TestProfile(TinyOutboundBuffer.class)
class SlowBotTest {

    @Test
    void a_bot_that_does_not_read_is_disconnected_and_others_keep_getting_work() throws Exception {
        String type = Fixtures.unique("stall");
        var stalled = Fixtures.registerBotWithToken(Fixtures.unique("stalled"), "untouched");
        WebSocket deaf = TestBot.deaf(stalled.token());
        try {
            awaitListed(stalled.id());
            String big = given().contentType(ContentType.JSON)
                    .body("{\"payload\": {\"blob\": \"" + "x".repeat(900_000) + "\"}}")
                    .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
            given().contentType(ContentType.JSON).body("{\"bot_id\": \"" + stalled.id() + "\"}")
                    .when().post("/api/v1/tasks/" + big + "/assign").then().statusCode(200);

            long start = System.nanoTime();
            for (int i = 0; i < 60; i++) {
                int status = given().when().post("/api/v1/ws/broadcast/task/" + big).then().extract().statusCode();
                if (status != 200) {
                    break;
                }
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("sends never waited on the stalled bot")
                    .isLessThan(Duration.ofSeconds(20));
            given().when().get("/api/v1/ws/connections").then().body("bot_id", not(hasItem(stalled.id())));

            var healthy = Fixtures.registerBotWithToken(Fixtures.unique("healthy"), type);
            try (TestBot bot = TestBot.connect(healthy.token())) {
                String task = Fixtures.createTask(type, 0);
                assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", task);
            }
        } finally {
            deaf.abort();
        }
    }

    static void awaitListed(String botId) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (given().when().get("/api/v1/ws/connections").then().extract().jsonPath().getList("bot_id")
                    .contains(botId)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("bot " + botId + " never appeared among the connections");
    }

}
