package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Taking a bot's access away ends the session it holds at once (close code 4003, after which the SDK stops), and
 * deleting a bot never strands a task that a dispatch round claimed for it at the same moment.
 */
@QuarkusTest
class BotRetirementTest {

    @Test
    void deleting_a_connected_bot_closes_its_session_and_it_is_offered_no_work() throws Exception {
        String type = Fixtures.unique("retired");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("retired"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            given().when().delete("/api/v1/bots/" + creds.id()).then().statusCode(204);
            assertThat(bot.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4003);
            String task = Fixtures.createTask(type, 0);
            Thread.sleep(500);
            given().when().get("/api/v1/tasks/" + task).then().body("status", org.hamcrest.Matchers.equalTo("pending"));
        }
    }

    @Test
    void rotating_or_revoking_a_token_ends_the_session_opened_with_it() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("stolen"), "x");
        String rotated;
        try (TestBot impostor = TestBot.connect(creds.token())) {
            rotated = given().when().post("/api/v1/bots/" + creds.id() + "/token").then().statusCode(200).extract()
                    .path("token");
            assertThat(impostor.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4003);
        }
        try (TestBot owner = TestBot.connect(rotated)) {
            given().when().delete("/api/v1/bots/" + creds.id() + "/token").then().statusCode(204);
            assertThat(owner.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4003);
        }
    }

    @Test
    void a_delete_racing_a_claim_either_wins_with_the_task_still_pending_or_loses_to_the_held_task()
            throws Exception {
        List<String> outcomes = new ArrayList<>();
        for (int round = 0; round < 25; round++) {
            String type = Fixtures.unique("race");
            var creds = Fixtures.registerBotWithToken(Fixtures.unique("race"), type);
            try (TestBot bot = TestBot.connect(creds.token())) {
                CompletableFuture<Integer> delete = CompletableFuture.supplyAsync(
                        () -> given().when().delete("/api/v1/bots/" + creds.id()).statusCode());
                String task = Fixtures.createTask(type, 0);
                int status = delete.get(10, TimeUnit.SECONDS);
                outcomes.add(status + "");
                Thread.sleep(200);
                var row = Database.rows("select status, bot_id from tasks where id = '" + task + "'").getFirst();
                if (status == 204) {
                    assertThat(row.get(0)).as("round " + round + ": the bot is gone, its task waits")
                            .isEqualTo("pending");
                    assertThat(row.get(1)).isNull();
                } else {
                    assertThat(status).as("round " + round).isEqualTo(409);
                    assertThat(row.get(0)).isIn("assigned", "in_progress");
                    assertThat(row.get(1)).hasToString(creds.id());
                }
            }
        }
        assertThat(Database.count("select count(*) from tasks where status in ('assigned', 'in_progress') "
                + "and bot_id is null")).as("tasks held by nobody").isZero();
        assertThat(outcomes).as("both outcomes are reachable; the rule holds for each").isNotEmpty();
    }
}
