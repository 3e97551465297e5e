package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A bot that does not read what it is sent, but has free slots and is not yet overdue with an answer, is offered no
 * new work while its backlog is large: the work goes to bots that read.
 */
@QuarkusTest
class BackedUpBotTest {

    @Test
    void a_bot_that_does_not_read_what_it_is_sent_is_offered_no_more_work_while_it_is_backed_up() throws Exception {
        String type = Fixtures.unique("backlog");
        var stalled = Fixtures.registerBotWithToken(Fixtures.unique("backed-up"), type);
        WebSocket deaf = TestBot.deaf(stalled.token());
        try {
            SlowBotTest.awaitListed(stalled.id());
            deaf.sendText("{\"type\": \"slots\", \"payload\": {\"slots\": 64}}", true).get(10, TimeUnit.SECONDS);
            // Tasks of 900 KB, offered to it as the only bot of their type until its backlog passes a megabyte: the
            // socket's buffers hold a few of them, and ten are less than the backlog that closes a session (16 MiB).
            List<String> big = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                big.add(given().contentType(ContentType.JSON).body("{\"type\": \"" + type + "\", \"payload\": "
                        + "{\"blob\": \"" + "x".repeat(900_000) + "\"}}").when().post("/api/v1/tasks").then()
                        .statusCode(201).extract().path("id"));
            }
            awaitHeldBy(big.get(0), stalled.id());
            Thread.sleep(1000);

            List<String> small = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                small.add(Fixtures.createTask(type, 5)); // ahead of the big ones still pending
            }
            Thread.sleep(500);
            assertThat(small).allSatisfy(id -> assertThat(given().when().get("/api/v1/tasks/" + id).then()
                    .extract().<String>path("status")).as("offered to nobody").isEqualTo("pending"));
            var reader = Fixtures.registerBotWithToken(Fixtures.unique("reader"), type);
            try (TestBot bot = TestBot.connect(reader.token())) {
                // One slot: it gets each of them only once it finished the one before, while the backed-up bot has
                // free slots all along.
                bot.work(small.size(), true).get(60, TimeUnit.SECONDS);
                for (String id : small) {
                    JsonPath task = given().when().get("/api/v1/tasks/" + id).then().extract().jsonPath();
                    assertThat(task.getString("status")).isEqualTo("completed");
                    assertThat(task.getString("bot_id")).isEqualTo(reader.id());
                }
            }
        } finally {
            deaf.abort();
        }
    }

    private static void awaitHeldBy(String taskId, String botId) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (botId.equals(given().when().get("/api/v1/tasks/" + taskId).then().extract().path("bot_id"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("task " + taskId + " was never assigned to bot " + botId);
    }
}
