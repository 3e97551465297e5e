package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TaskApiTest {

    @Test
    void a_created_task_is_pending_with_defaults_and_can_be_read_back() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"type\": \"build\", \"payload\": {\"action\": \"build\", \"tag\": \"v1.2.3\"}}")
                .when().post("/api/v1/tasks")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/tasks/"))
                .body("status", equalTo("pending"))
                .body("priority", equalTo(0))
                .body("timeout_seconds", equalTo(300))
                .body("attempt", equalTo(0))
                .body("payload.tag", equalTo("v1.2.3"))
                .extract().path("id");
        given().when().get("/api/v1/tasks/" + id)
                .then().statusCode(200).body("id", equalTo(id)).body("type", equalTo("build"));
        given().when().get("/api/v1/tasks/" + UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:task-not-found"));
    }

    @Test
    void a_timeout_outside_one_to_3600_seconds_is_rejected_naming_the_field() {
        for (int timeout : new int[]{ 0, 3601 }) {
            given().contentType(ContentType.JSON).body("{\"timeout_seconds\": " + timeout + "}")
                    .when().post("/api/v1/tasks")
                    .then().statusCode(400).body("field", equalTo("timeout_seconds"));
        }
    }

    @Test
    void listing_filters_by_status_type_and_bot_and_bounds_the_page() {
        String type = Fixtures.unique("lint");
        String first = Fixtures.createTask(type, 0);
        String second = Fixtures.createTask(type, 0);
        String bot = Fixtures.registerBot(Fixtures.unique("linter"), type);
        Fixtures.assign(first, bot);

        given().queryParam("type", type).when().get("/api/v1/tasks")
                .then().statusCode(200).body("id", contains(first, second));
        given().queryParam("type", type).queryParam("status", "assigned").when().get("/api/v1/tasks")
                .then().statusCode(200).body("id", contains(first));
        given().queryParam("bot_id", bot).when().get("/api/v1/tasks")
                .then().statusCode(200).body("id", contains(first));
        given().queryParam("type", type).queryParam("limit", 1).queryParam("offset", 1).when().get("/api/v1/tasks")
                .then().statusCode(200).body("id", contains(second));
        given().queryParam("bot_id", "nope").when().get("/api/v1/tasks")
                .then().statusCode(400).body("field", equalTo("bot_id"));
        given().queryParam("offset", -1).when().get("/api/v1/tasks")
                .then().statusCode(400).body("field", equalTo("offset"));
    }

    @Test
    void pending_tasks_are_listed_highest_priority_first_then_oldest() {
        String type = Fixtures.unique("order");
        String low = Fixtures.createTask(type, 1);
        String high = Fixtures.createTask(type, 9);
        String lowLater = Fixtures.createTask(type, 1);
        given().queryParam("type", type).when().get("/api/v1/tasks/pending")
                .then().statusCode(200).body("id", contains(high, low, lowLater))
                .body("status", everyItem(equalTo("pending")));
        given().queryParam("limit", "many").when().get("/api/v1/tasks/pending")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("limit"));
    }

    @Test
    void the_full_lifecycle_assign_start_complete_raises_the_attempt_and_frees_the_bot() {
        String type = Fixtures.unique("deploy");
        String bot = Fixtures.registerBot(Fixtures.unique("deployer"), type);
        Fixtures.heartbeat(bot);
        String task = Fixtures.createTask(type, 0);

        given().contentType(ContentType.JSON).body("{\"bot_id\": \"" + bot + "\"}")
                .when().post("/api/v1/tasks/" + task + "/assign")
                .then().statusCode(200).body("status", equalTo("assigned")).body("attempt", equalTo(1))
                .body("bot_id", equalTo(bot)).body("assigned_at", notNullValue());
        given().when().get("/api/v1/bots/" + bot).then().body("status", equalTo("busy"));

        given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"bot_id\": \"" + bot + "\"}")
                .when().post("/api/v1/tasks/" + task + "/start")
                .then().statusCode(200).body("status", equalTo("in_progress")).body("started_at", notNullValue());
        given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"result\": {\"image_id\": \"sha256:abc\"}}")
                .when().post("/api/v1/tasks/" + task + "/complete")
                .then().statusCode(200).body("status", equalTo("completed"))
                .body("result.image_id", equalTo("sha256:abc")).body("completed_at", notNullValue());
        given().when().get("/api/v1/bots/" + bot).then().body("status", equalTo("online"));
    }

    @Test
    void assigning_needs_a_pending_task_a_known_bot_and_the_capability() {
        String type = Fixtures.unique("gpu");
        String task = Fixtures.createTask(type, 0);
        String unfit = Fixtures.registerBot(Fixtures.unique("cpu-only"), "python");
        given().contentType(ContentType.JSON).body("{\"bot_id\": \"" + unfit + "\"}")
                .when().post("/api/v1/tasks/" + task + "/assign")
                .then().statusCode(409).body("detail", containsString("lacks capability"));
        given().contentType(ContentType.JSON).body("{\"bot_id\": \"" + UUID.randomUUID() + "\"}")
                .when().post("/api/v1/tasks/" + task + "/assign")
                .then().statusCode(404).body("type", equalTo("urn:clawbot:problem:bot-not-found"));
        given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/tasks/" + task + "/assign")
                .then().statusCode(400).body("field", equalTo("bot_id"));

        String fit = Fixtures.registerBot(Fixtures.unique("gpu-bot"), type);
        Fixtures.assign(task, fit);
        String other = Fixtures.registerBot(Fixtures.unique("gpu-bot"), type);
        given().contentType(ContentType.JSON).body("{\"bot_id\": \"" + other + "\"}")
                .when().post("/api/v1/tasks/" + task + "/assign")
                .then().statusCode(409).body("type", equalTo("urn:clawbot:problem:invalid-transition"));
    }

    @Test
    void starting_a_task_that_is_not_assigned_is_an_invalid_transition() {
        String task = Fixtures.createTask(Fixtures.unique("idle"), 0);
        given().when().post("/api/v1/tasks/" + task + "/start")
                .then().statusCode(409).body("type", equalTo("urn:clawbot:problem:invalid-transition"))
                .body("detail", containsString("only an assigned task can be started"));
    }

    @Test
    void a_stale_attempt_is_rejected_and_a_duplicate_completion_is_idempotent() {
        String type = Fixtures.unique("fenced");
        String bot = Fixtures.registerBot(Fixtures.unique("fencer"), type);
        String task = Fixtures.createTask(type, 0);
        Fixtures.assign(task, bot);

        given().contentType(ContentType.JSON).body("{\"attempt\": 7, \"result\": {}}")
                .when().post("/api/v1/tasks/" + task + "/complete")
                .then().statusCode(409).body("type", equalTo("urn:clawbot:problem:stale-attempt"))
                .body("detail", containsString("Stale attempt 7"));
        given().contentType(ContentType.JSON).body("{\"bot_id\": \"" + UUID.randomUUID() + "\"}")
                .when().post("/api/v1/tasks/" + task + "/complete")
                .then().statusCode(409).body("type", equalTo("urn:clawbot:problem:not-assigned"))
                .body("detail", containsString("not assigned to bot"));
        given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("assigned"));

        given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"result\": {\"v\": 1}}")
                .when().post("/api/v1/tasks/" + task + "/complete")
                .then().statusCode(200).body("result.v", equalTo(1));
        given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"result\": {\"v\": 2}}")
                .when().post("/api/v1/tasks/" + task + "/complete")
                .then().statusCode(200).body("status", equalTo("completed")).body("result.v", equalTo(1));
        given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"error\": \"late\"}")
                .when().post("/api/v1/tasks/" + task + "/fail")
                .then().statusCode(409);
    }

    @Test
    void a_failure_on_the_last_attempt_records_the_error_and_needs_an_error_text() {
        String type = Fixtures.unique("flaky");
        String bot = Fixtures.registerBot(Fixtures.unique("flaker"), type);
        String task = given().contentType(ContentType.JSON)
                .body(Map.of("type", type, "retry", Map.of("max_attempts", 1)))
                .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
        Fixtures.assign(task, bot);
        given().contentType(ContentType.JSON).body("{\"attempt\": 1}")
                .when().post("/api/v1/tasks/" + task + "/fail")
                .then().statusCode(400).body("field", equalTo("error"));
        given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"error\": \"disk full\"}")
                .when().post("/api/v1/tasks/" + task + "/fail")
                .then().statusCode(200).body("status", equalTo("failed")).body("error", equalTo("disk full"))
                .body("attempts_made", equalTo(1)).body("retry.max_attempts", equalTo(1));
        given().contentType(ContentType.JSON).body("{\"error\": \"disk full\"}")
                .when().post("/api/v1/tasks/" + UUID.randomUUID() + "/fail")
                .then().statusCode(404);
    }

    @Test
    void cancelling_is_durable_idempotent_and_refused_for_finished_tasks() {
        String task = Fixtures.createTask(Fixtures.unique("moot"), 0);
        given().contentType(ContentType.JSON).body("{\"reason\": \"no longer needed\"}")
                .when().post("/api/v1/tasks/" + task + "/cancel")
                .then().statusCode(200).body("status", equalTo("cancelled"));
        given().when().post("/api/v1/tasks/" + task + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled"));
        given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("cancelled"))
                .body("error", equalTo("no longer needed"));

        String type = Fixtures.unique("done");
        String bot = Fixtures.registerBot(Fixtures.unique("finisher"), type);
        String finished = Fixtures.createTask(type, 0);
        Fixtures.assign(finished, bot);
        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/tasks/" + finished + "/complete")
                .then().statusCode(200);
        given().when().post("/api/v1/tasks/" + finished + "/cancel").then().statusCode(409);
        given().when().post("/api/v1/tasks/" + UUID.randomUUID() + "/cancel").then().statusCode(404);
    }

    @Test
    void deleting_removes_a_standalone_task_but_not_one_a_bot_holds() {
        String type = Fixtures.unique("temp");
        String task = Fixtures.createTask(type, 0);
        given().when().delete("/api/v1/tasks/" + task).then().statusCode(204);
        given().when().get("/api/v1/tasks/" + task).then().statusCode(404);
        given().when().delete("/api/v1/tasks/" + task).then().statusCode(404);

        String held = Fixtures.createTask(type, 0);
        Fixtures.assign(held, Fixtures.registerBot(Fixtures.unique("holder"), type));
        given().when().delete("/api/v1/tasks/" + held).then().statusCode(409)
                .body("detail", containsString("cancel it before deleting it"));
    }

    @Test
    void every_transition_is_recorded_in_the_history_with_who_and_which_attempt() {
        String type = Fixtures.unique("audited");
        Fixtures.BotCredentials bot = Fixtures.registerBotWithToken(Fixtures.unique("auditor"), type);
        String task = Fixtures.createTask(type, 0);
        Fixtures.assign(task, bot.id());
        given().contentType(ContentType.JSON).body("{\"attempt\": 1}").when().post("/api/v1/tasks/" + task + "/start")
                .then().statusCode(200);
        given().header("Authorization", "Bearer " + bot.token()).contentType(ContentType.JSON)
                .body("{\"attempt\": 1}").when().post("/api/v1/tasks/" + task + "/complete").then().statusCode(200);

        List<List<Object>> history = Database.rows(
                "select from_status, to_status, attempt, actor from task_events where task_id = '" + task
                        + "' order by id");
        String admin = "key:" + Database.rows("select name from api_keys where secret_hash = '"
                + io.clawbot.coordinator.domain.access.Secrets.hash(AsAdmin.key()) + "'").get(0).get(0);
        org.assertj.core.api.Assertions.assertThat(history).containsExactly(
                java.util.Arrays.asList(null, "pending", 0, admin),
                List.of("pending", "assigned", 1, admin),
                List.of("assigned", "in_progress", 1, admin),
                List.of("in_progress", "completed", 1, "bot:" + bot.id()));
    }

    @Test
    void filtering_by_a_bot_that_holds_nothing_gives_an_empty_page() {
        given().queryParam("bot_id", UUID.randomUUID()).when().get("/api/v1/tasks")
                .then().statusCode(200).body("size()", equalTo(0));
    }
}
