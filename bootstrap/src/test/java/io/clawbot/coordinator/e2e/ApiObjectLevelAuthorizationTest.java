package io.clawbot.coordinator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OWASP API Security Top 10 (2023), API1 Broken Object Level Authorization: a submitter sees only the work its key
 * created (anything else is answered as if it did not exist), creates only the task types its key lists, and a bot's
 * token acts only on that bot and the tasks it holds.
 */
@QuarkusTest
class ApiObjectLevelAuthorizationTest {

    @Test
    void a_submitter_reads_only_its_own_tasks_and_workflows() {
        String type = Fixtures.unique("bola");
        String alice = Keys.issue("submitter");
        String bob = Keys.issue("submitter");
        String reader = Keys.issue("reader");
        String task = Keys.as(alice).contentType(ContentType.JSON).body("{\"type\": \"" + type + "\"}").when()
                .post("/api/v1/tasks").then().statusCode(201).extract().path("id");
        String workflow = Keys.as(alice).contentType(ContentType.JSON)
                .body("{\"name\": \"w\", \"task_type\": \"" + type
                        + "\", \"task_payloads\": [{}], \"auto_start\": false}")
                .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");

        for (String path : List.of("/api/v1/tasks/" + task, "/api/v1/tasks/" + task + "/events",
                "/api/v1/workflows/" + workflow, "/api/v1/workflows/" + workflow + "/tasks")) {
            Keys.as(alice).when().get(path).then().statusCode(200);
            Keys.as(reader).when().get(path).then().statusCode(200);
            Keys.as(bob).when().get(path).then().statusCode(404).contentType("application/problem+json");
        }
        Keys.as(bob).when().post("/api/v1/workflows/" + workflow + "/start").then().statusCode(404);
        assertThat(Keys.as(bob).queryParam("type", type).when().get("/api/v1/tasks").then().statusCode(200)
                .extract().jsonPath().getList("id")).isEmpty();
        assertThat(Keys.as(bob).when().get("/api/v1/tasks/pending?limit=500").then().extract().jsonPath()
                .getList("id")).doesNotContain(task);
        assertThat(Keys.as(bob).when().get("/api/v1/workflows?limit=500").then().extract().jsonPath()
                .getList("id")).doesNotContain(workflow);
        assertThat(Keys.as(alice).queryParam("type", type).when().get("/api/v1/tasks").then().extract()
                .jsonPath().getList("id")).hasSize(2).contains(task);
        assertThat(Keys.as(reader).queryParam("type", type).when().get("/api/v1/tasks").then().extract()
                .jsonPath().getList("id")).hasSize(2);
        Keys.as(alice).when().post("/api/v1/workflows/" + workflow + "/start").then().statusCode(200);
    }

    @Test
    void a_submitter_limited_to_task_types_creates_no_other_type_by_any_route() {
        String allowed = Fixtures.unique("ok");
        String other = Fixtures.unique("other");
        String limited = Keys.issue("submitter", allowed);
        Keys.as(limited).contentType(ContentType.JSON).body("{\"type\": \"" + allowed + "\"}").when()
                .post("/api/v1/tasks").then().statusCode(201);
        long before = Database.count("select count(*) from tasks");
        Keys.as(limited).contentType(ContentType.JSON).body("{\"type\": \"" + other + "\"}").when()
                .post("/api/v1/tasks").then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:task-type-not-allowed"));
        // A task without a type is not one of the key's types either.
        Keys.as(limited).contentType(ContentType.JSON).body("{}").when().post("/api/v1/tasks").then()
                .statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:task-type-not-allowed"));
        Keys.as(limited).contentType(ContentType.JSON).body("{\"definition\": {\"name\": \"mixed\", \"steps\": ["
                + "{\"id\": \"a\", \"type\": \"" + allowed + "\"}, {\"id\": \"b\", \"type\": \"" + other
                + "\", \"depends_on\": [\"a\"]}]}}")
                .when().post("/api/v1/workflows").then().statusCode(403);
        Keys.as(limited).contentType("application/yaml")
                .body(("workflow:\n  name: y\n  jobs:\n    - id: j\n      type: "
                        + other + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/v1/workflows/from-yaml").then().statusCode(403);
        String definition = Fixtures.unique("def");
        io.restassured.RestAssured.given().contentType(ContentType.JSON).body("{\"name\": \"" + definition
                + "\", \"definition\": {\"name\": \"d\", \"steps\": [{\"id\": \"s\", \"type\": \"" + other + "\"}]}}")
                .when().post("/api/v1/workflow-definitions").then().statusCode(201);
        Keys.as(limited).contentType(ContentType.JSON).body("{}").when()
                .post("/api/v1/workflow-definitions/" + definition + "/runs").then().statusCode(403);
        assertThat(Database.count("select count(*) from tasks")).isEqualTo(before);
    }

    @Test
    void an_idempotency_key_reused_by_another_client_never_returns_the_first_clients_work() {
        String type = Fixtures.unique("idem");
        String alice = Keys.issue("submitter");
        String bob = Keys.issue("submitter");
        String body = "{\"type\": \"" + type + "\"}";
        String first = Keys.as(alice).header("Idempotency-Key", "k-" + type).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
        Keys.as(alice).header("Idempotency-Key", "k-" + type).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/tasks").then().statusCode(200).body("id", equalTo(first));
        Keys.as(bob).header("Idempotency-Key", "k-" + type).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/tasks").then().statusCode(422);
    }

    @Test
    void a_bots_token_reports_only_on_tasks_that_bot_holds_and_only_for_itself() {
        String type = Fixtures.unique("held");
        Fixtures.BotCredentials holder = Fixtures.registerBotWithToken(Fixtures.unique("holder"), type);
        Fixtures.BotCredentials other = Fixtures.registerBotWithToken(Fixtures.unique("other"), type);
        String task = Fixtures.createTask(type, 0);
        Fixtures.assign(task, holder.id());

        // Another bot's token, naming the holder or not, changes nothing.
        Keys.as(other.token()).contentType(ContentType.JSON)
                .body("{\"attempt\": 1, \"bot_id\": \"" + holder.id() + "\", \"result\": {\"forged\": true}}")
                .when().post("/api/v1/tasks/" + task + "/complete").then().statusCode(403);
        Keys.as(other.token()).contentType(ContentType.JSON).body("{\"attempt\": 1, \"result\": {\"forged\": true}}")
                .when().post("/api/v1/tasks/" + task + "/complete").then().statusCode(409);
        Keys.as(other.token()).contentType(ContentType.JSON).body("{\"attempt\": 1, \"error\": \"no\"}")
                .when().post("/api/v1/tasks/" + task + "/fail").then().statusCode(409);
        Keys.as(other.token()).when().post("/api/v1/bots/" + holder.id() + "/heartbeat").then().statusCode(403);
        Keys.as(other.token()).when().get("/api/v1/tasks/" + task).then().statusCode(403);
        io.restassured.RestAssured.given().when().get("/api/v1/tasks/" + task).then().body("status",
                equalTo("assigned"));

        Keys.as(holder.token()).contentType(ContentType.JSON).body("{\"attempt\": 1, \"result\": {\"ok\": true}}")
                .when().post("/api/v1/tasks/" + task + "/complete").then().statusCode(200)
                .body("status", equalTo("completed")).body("result.ok", equalTo(true));
        assertThat(Database.rows("select actor from task_events where task_id = '" + task
                + "' and to_status = 'completed'")).containsExactly(List.of("bot:" + holder.id()));
    }
}
