package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WorkflowApiTest {

    static final String SEED_PIPELINE = """
            {
              "name": "CI/CD Pipeline",
              "description": "Build, test, and deploy application",
              "task_payloads": [
                {"action": "build", "dockerfile": "Dockerfile", "tag": "v1.2.3"},
                {"action": "test", "suite": "integration", "coverage": true},
                {"action": "deploy", "environment": "staging", "region": "us-west"}
              ],
              "metadata": {"project": "my-app", "branch": "main"}
            }
            """;

    @Test
    void seed_example_two_creates_a_pending_workflow_with_its_tasks_in_order() {
        JsonPath created = given().contentType(ContentType.JSON).body(SEED_PIPELINE)
                .when().post("/api/v1/workflows")
                .then().statusCode(201)
                .body("name", equalTo("CI/CD Pipeline"))
                .body("status", equalTo("pending"))
                .body("task_ids", hasSize(3))
                .body("created_at", notNullValue())
                .extract().jsonPath();
        String id = created.getString("id");
        List<String> taskIds = created.getList("task_ids");

        given().when().get("/api/v1/workflows/" + id + "/tasks")
                .then().statusCode(200)
                .body("workflow.id", equalTo(id))
                .body("tasks.id", contains(taskIds.toArray()))
                .body("tasks.status", contains("pending", "waiting", "waiting"))
                .body("tasks[0].payload.action", equalTo("build"))
                .body("tasks[2].payload.region", equalTo("us-west"));
        given().when().get("/api/v1/workflows/" + id).then().statusCode(200).body("metadata.branch", equalTo("main"));
    }

    @Test
    void completing_a_step_releases_the_next_and_the_last_completes_the_workflow() {
        String bot = Fixtures.registerBot(Fixtures.unique("pipeline-bot"), "build");
        JsonPath created = given().contentType(ContentType.JSON).body(SEED_PIPELINE)
                .when().post("/api/v1/workflows").then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");
        List<String> tasks = created.getList("task_ids");

        for (int i = 0; i < tasks.size(); i++) {
            Fixtures.assign(tasks.get(i), bot);
            given().when().get("/api/v1/workflows/" + id).then().body("status", equalTo("in_progress"));
            given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"result\": {\"step\": " + i + "}}")
                    .when().post("/api/v1/tasks/" + tasks.get(i) + "/complete").then().statusCode(200);
            if (i + 1 < tasks.size()) {
                given().when().get("/api/v1/tasks/" + tasks.get(i + 1)).then().body("status", equalTo("pending"));
            }
        }
        given().when().get("/api/v1/workflows/" + id + "/tasks")
                .then().body("workflow.status", equalTo("completed"))
                .body("tasks.status", contains("completed", "completed", "completed"));
    }

    @Test
    void a_failed_step_fails_the_workflow_and_skips_the_steps_after_it() {
        String bot = Fixtures.registerBot(Fixtures.unique("fragile"), "build");
        String once = SEED_PIPELINE.replaceFirst("\\{", "{\"retry\": {\"max_attempts\": 1},");
        JsonPath created = given().contentType(ContentType.JSON).body(once)
                .when().post("/api/v1/workflows").then().statusCode(201).extract().jsonPath();
        List<String> tasks = created.getList("task_ids");
        Fixtures.assign(tasks.get(0), bot);
        given().contentType(ContentType.JSON).body("{\"error\": \"compile error\"}")
                .when().post("/api/v1/tasks/" + tasks.get(0) + "/fail").then().statusCode(200);
        given().when().get("/api/v1/workflows/" + created.getString("id") + "/tasks")
                .then().body("workflow.status", equalTo("failed"))
                .body("tasks.status", contains("failed", "skipped", "skipped"));
    }

    @Test
    void a_workflow_created_without_auto_start_waits_for_start_which_works_once() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"name\": \"later\", \"task_payloads\": [{\"a\": 1}, {\"b\": 2}], \"auto_start\": false}")
                .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");
        given().when().get("/api/v1/workflows/" + id + "/tasks")
                .then().body("tasks.status", contains("waiting", "waiting"))
                .body("workflow.started_at", equalTo(null));

        given().when().post("/api/v1/workflows/" + id + "/start")
                .then().statusCode(200).body("started_at", notNullValue());
        given().when().get("/api/v1/workflows/" + id + "/tasks")
                .then().body("tasks.status", contains("pending", "waiting"));
        given().when().post("/api/v1/workflows/" + id + "/start")
                .then().statusCode(409).body("type", equalTo("urn:clawbot:problem:already-started"));
        given().when().post("/api/v1/workflows/" + UUID.randomUUID() + "/start").then().statusCode(404);
    }

    @Test
    void listing_workflows_filters_by_status() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"name\": \"" + Fixtures.unique("listed") + "\", \"task_payloads\": [{}]}")
                .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");
        given().queryParam("status", "pending").queryParam("limit", 500).when().get("/api/v1/workflows")
                .then().statusCode(200).body("id", hasItem(id));
        given().queryParam("status", "completed").queryParam("limit", 500).when().get("/api/v1/workflows")
                .then().statusCode(200).body("id", not(hasItem(id)));
        given().queryParam("status", "running").when().get("/api/v1/workflows")
                .then().statusCode(400).body("field", equalTo("status"));
    }

    @Test
    void a_workflow_needs_a_name_and_at_least_one_payload() {
        given().contentType(ContentType.JSON).body("{\"name\": \"empty\", \"task_payloads\": []}")
                .when().post("/api/v1/workflows")
                .then().statusCode(400).body("field", equalTo("task_payloads"));
        given().contentType(ContentType.JSON).body("{\"task_payloads\": [{}]}")
                .when().post("/api/v1/workflows")
                .then().statusCode(400).body("field", equalTo("name"));
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"task_payloads\": [{}, 5]}")
                .when().post("/api/v1/workflows")
                .then().statusCode(400).body("field", equalTo("task_payloads[1]"));
        given().when().get("/api/v1/workflows/" + UUID.randomUUID()).then().statusCode(404)
                .body("type", equalTo("urn:clawbot:problem:workflow-not-found"));
        given().when().get("/api/v1/workflows/" + UUID.randomUUID() + "/tasks").then().statusCode(404);
    }

    @Test
    void deleting_a_workflow_removes_its_tasks_but_not_while_a_bot_holds_one() {
        JsonPath created = given().contentType(ContentType.JSON).body(SEED_PIPELINE)
                .when().post("/api/v1/workflows").then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");
        String first = created.getString("task_ids[0]");
        Fixtures.assign(first, Fixtures.registerBot(Fixtures.unique("holder"), "x"));
        given().when().delete("/api/v1/workflows/" + id).then().statusCode(409);

        given().when().post("/api/v1/tasks/" + first + "/cancel").then().statusCode(200);
        given().when().delete("/api/v1/workflows/" + id).then().statusCode(204);
        given().when().get("/api/v1/workflows/" + id).then().statusCode(404);
        given().when().get("/api/v1/tasks/" + first).then().statusCode(404);
        given().when().delete("/api/v1/workflows/" + id).then().statusCode(404);
    }

    @Test
    void a_single_workflow_task_cannot_be_deleted_on_its_own() {
        String task = given().contentType(ContentType.JSON).body("{\"name\": \"w\", \"task_payloads\": [{}]}")
                .when().post("/api/v1/workflows").then().statusCode(201).extract().path("task_ids[0]");
        given().when().delete("/api/v1/tasks/" + task).then().statusCode(409);
    }
}
