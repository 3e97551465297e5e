package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Workflow graphs end to end, with real bots over the WebSocket. */
@QuarkusTest
@TestProfile(OneValidationAttempt.class)
class DagWorkflowTest {

    /** Seed 001's example, exactly as written there. */
    static final String SEED_001 = """
            workflow:
              name: "data-pipeline"
              jobs:
                - id: "validate"
                  type: "validation"
                  parameters:
                    schema: "input-schema"
                  on_success: "process"
                  on_failure: "alert"

                - id: "process"
                  type: "processing"
                  parameters:
                    operation: "transform"
                  on_success: "save"

                - id: "save"
                  type: "integration"
                  parameters:
                    endpoint: "data-store"

                - id: "alert"
                  type: "integration"
                  parameters:
                    channel: "slack-alerts"
                  always_run: true
            """;

    private static String createFromYaml(String yaml) {
        return given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/workflows/from-yaml")
                .then().statusCode(201).body("status", equalTo("pending")).extract().path("id");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonPath workflow(String id) {
        return given().when().get("/api/v1/workflows/" + id + "/tasks").then().statusCode(200).extract().jsonPath();
    }

    /** Takes the next assignment and reports it; returns the assignment. */
    private static Map<String, Object> run(TestBot bot, boolean success, Map<String, Object> result) {
        Map<String, Object> assigned = bot.next("task_assigned").payload();
        Object task = assigned.get("task_id");
        Object attempt = assigned.get("attempt");
        bot.send("task_accepted", Map.of("task_id", task, "attempt", attempt));
        bot.next("task_ack");
        bot.send("task_complete", success
                ? Map.of("task_id", task, "attempt", attempt, "success", true, "result", result)
                : Map.of("task_id", task, "attempt", attempt, "success", false, "error", "schema mismatch"));
        bot.next("task_ack");
        return assigned;
    }

    private static TestBot bot(String... capabilities) {
        return TestBot.connect(Fixtures.registerBotWithToken(Fixtures.unique("dag"), capabilities).token());
    }

    @Test
    void seed_001_succeeds_through_process_and_save_and_its_always_run_step_runs_too() throws Exception {
        try (TestBot validator = bot("validation");
                TestBot processor = bot("processing");
                TestBot integrator = bot("integration")) {
            String id = createFromYaml(SEED_001);
            assertThat(validator.drain(Duration.ofMillis(300))).as("not started yet").isEmpty();
            given().when().post("/api/v1/workflows/" + id + "/start").then().statusCode(200);

            assertThat(run(validator, true, Map.of("valid", true)).get("task_payload"))
                    .isEqualTo(Map.of("schema", "input-schema"));
            assertThat(run(processor, true, Map.of("rows", 3)).get("task_payload"))
                    .isEqualTo(Map.of("operation", "transform"));
            Map<String, Object> first = run(integrator, true, Map.of());
            Map<String, Object> second = run(integrator, true, Map.of());
            assertThat(List.of(first.get("task_payload"), second.get("task_payload"))).containsExactlyInAnyOrder(
                    Map.of("channel", "slack-alerts"), Map.of("endpoint", "data-store"));

            JsonPath done = workflow(id);
            assertThat(done.getString("workflow.status")).isEqualTo("completed");
            assertThat(done.getList("tasks.status")).containsExactly("completed", "completed", "completed",
                    "completed");
            assertThat(done.getList("definition.steps.id")).containsExactly("validate", "process", "save", "alert");
        }
    }

    @Test
    void seed_001_takes_the_alert_branch_when_validation_fails_and_the_rest_is_skipped() {
        try (TestBot validator = bot("validation"); TestBot integrator = bot("integration")) {
            String id = createFromYaml(SEED_001);
            given().when().post("/api/v1/workflows/" + id + "/start").then().statusCode(200);

            run(validator, false, null);
            assertThat(run(integrator, true, Map.of("sent", true)).get("task_payload"))
                    .isEqualTo(Map.of("channel", "slack-alerts"));

            JsonPath done = workflow(id);
            assertThat(done.getList("tasks.status")).containsExactly("failed", "skipped", "skipped", "completed");
            assertThat(done.getString("workflow.status"))
                    .as("the failure was handled by its on_failure branch").isEqualTo("completed");
        }
    }

    @Test
    void a_step_gets_the_input_and_an_earlier_steps_result_in_its_payload() {
        String type = Fixtures.unique("chain");
        try (TestBot worker = bot(type)) {
            Map<String, Object> definition = Map.of("name", "chain", "steps", List.of(
                    Map.of("id", "count", "type", type, "params", Map.of("source", "${input.source}")),
                    Map.of("id", "report", "type", type, "depends_on", "count", "params", Map.of(
                            "rows", "${steps.count.result.rows}", "label", "rows=${steps.count.result.rows}",
                            "who", "${input.user.name}"))));
            given().contentType(ContentType.JSON).body(Map.of("definition", definition, "input",
                    Map.of("source", "s3://bucket", "user", Map.of("name", "ada"))))
                    .when().post("/api/v1/workflows").then().statusCode(201);

            assertThat(run(worker, true, Map.of("rows", 42)).get("task_payload"))
                    .isEqualTo(Map.of("source", "s3://bucket"));
            assertThat(run(worker, true, Map.of()).get("task_payload"))
                    .isEqualTo(Map.of("rows", 42, "label", "rows=42", "who", "ada"));
        }
    }

    @Test
    void a_fan_in_step_waits_for_all_its_parents() throws Exception {
        String type = Fixtures.unique("fan");
        String join = Fixtures.unique("join");
        try (TestBot worker = bot(type); TestBot joiner = bot(join)) {
            Map<String, Object> definition = Map.of("name", "fan", "steps", List.of(
                    Map.of("id", "split", "type", type),
                    Map.of("id", "left", "type", type, "depends_on", "split"),
                    Map.of("id", "right", "type", type, "depends_on", "split"),
                    Map.of("id", "merge", "type", join, "depends_on", List.of("left", "right"))));
            String id = given().contentType(ContentType.JSON).body(Map.of("definition", definition))
                    .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");

            run(worker, true, Map.of());
            run(worker, true, Map.of());
            assertThat(joiner.drain(Duration.ofMillis(500))).as("one parent is still open").isEmpty();
            List<Object> statuses = workflow(id).getList("tasks.status");
            assertThat(statuses.get(0)).isEqualTo("completed");
            assertThat(statuses.subList(1, 3)).as("one parent done, the other with the bot")
                    .containsExactlyInAnyOrder("completed", "assigned");
            assertThat(statuses.get(3)).isEqualTo("waiting");
            run(worker, true, Map.of());
            run(joiner, true, Map.of());
            assertThat(workflow(id).getString("workflow.status")).isEqualTo("completed");
        }
    }

    @Test
    void cancelling_a_workflow_mid_run_leaves_no_open_task_and_tells_the_bot() {
        String type = Fixtures.unique("long");
        try (TestBot worker = bot(type)) {
            Map<String, Object> definition = Map.of("name", "long", "steps", List.of(
                    Map.of("id", "a", "type", type), Map.of("id", "b", "type", type, "depends_on", "a")));
            String id = given().contentType(ContentType.JSON).body(Map.of("definition", definition))
                    .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");
            Map<String, Object> assigned = worker.next("task_assigned").payload();
            worker.send("task_accepted", Map.of("task_id", assigned.get("task_id"), "attempt", 1));
            worker.next("task_ack");

            given().contentType(ContentType.JSON).body(Map.of("reason", "no longer needed"))
                    .when().post("/api/v1/workflows/" + id + "/cancel").then().statusCode(200)
                    .body("status", equalTo("cancelled"));

            assertThat(worker.next("task_cancel").payload()).containsEntry("task_id", assigned.get("task_id"))
                    .containsEntry("reason", "no longer needed");
            assertThat(Database.count("select count(*) from tasks where workflow_id = '" + id
                    + "' and status not in ('completed', 'failed', 'timed_out', 'cancelled', 'skipped')")).isZero();
            assertThat(workflow(id).getList("tasks.status")).containsExactly("cancelled", "cancelled");
            given().when().post("/api/v1/workflows/" + id + "/cancel").then().statusCode(200);
        }
    }

    @Test
    void a_step_completion_and_the_workflows_advance_are_written_together_or_not_at_all() {
        String type = Fixtures.unique("atomic");
        String bot = Fixtures.registerBot(Fixtures.unique("atom"), type);
        Map<String, Object> definition = Map.of("name", "atomic", "steps", List.of(
                Map.of("id", "first", "type", type), Map.of("id", "second", "type", type, "depends_on", "first")));
        JsonPath created = given().contentType(ContentType.JSON).body(Map.of("definition", definition))
                .when().post("/api/v1/workflows").then().statusCode(201).extract().jsonPath();
        String first = created.getString("task_ids[0]");
        String second = created.getString("task_ids[1]");
        Fixtures.assign(first, bot);
        // The advance (second: waiting -> pending) fails inside the database, after the completion was written
        // in the same transaction.
        Database.execute("create or replace function refuse_advance() returns trigger language plpgsql as $$ "
                + "begin raise exception 'advance refused for the test'; end $$");
        Database.execute("create trigger refuse_advance before update on tasks for each row when (new.id = '"
                + second + "' and new.status = 'pending') execute function refuse_advance()");
        try {
            given().contentType(ContentType.JSON).body(Map.of("result", Map.of("ok", true)))
                    .when().post("/api/v1/tasks/" + first + "/complete").then().statusCode(500)
                    .contentType("application/problem+json");
            assertThat(Database.rows("select status from tasks where id in ('" + first + "', '" + second
                    + "') order by workflow_position")).containsExactly(List.of("assigned"), List.of("waiting"));
            assertThat(Database.count("select count(*) from task_events where task_id = '" + first
                    + "' and to_status = 'completed'")).isZero();
        } finally {
            Database.execute("drop trigger refuse_advance on tasks");
            Database.execute("drop function refuse_advance()");
        }
        given().contentType(ContentType.JSON).body(Map.of("result", Map.of("ok", true)))
                .when().post("/api/v1/tasks/" + first + "/complete").then().statusCode(200);
        assertThat(workflow(created.getString("id")).getList("tasks.status")).containsExactly("completed",
                "pending");
    }

    @Test
    void invalid_definitions_are_refused_with_the_path_of_the_error() {
        given().contentType("text/plain").body(bytes(SEED_001.replace("on_success: \"save\"", "on_success: \"store\"")))
                .when().post("/api/v1/workflows/from-yaml").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("jobs[1].on_success"))
                .body("detail", containsString("names no step 'store'"));
        given().contentType("application/yaml").body(bytes("""
                name: loop
                steps:
                  - {id: a, depends_on: b}
                  - {id: b, depends_on: a}
                """)).when().post("/api/v1/workflows/from-yaml").then().statusCode(400)
                .body("detail", containsString("forms a cycle"));
        given().contentType("application/yaml").body(bytes("""
                name: never
                steps:
                  - {id: a, on_failure: b}
                  - {id: b, depends_on: a}
                """)).when().post("/api/v1/workflows/from-yaml").then().statusCode(400)
                .body("field", equalTo("steps[1]")).body("detail", containsString("can never run"));
        given().contentType(ContentType.JSON).body(Map.of("definition", Map.of("name", "refs", "steps", List.of(
                Map.of("id", "a", "params", Map.of("x", "${steps.b.result.y}")), Map.of("id", "b")))))
                .when().post("/api/v1/workflows").then().statusCode(400)
                .body("field", equalTo("definition.steps[0].params.x"))
                .body("detail", containsString("does not run before"));
        given().contentType(ContentType.JSON).body(Map.of("definition", Map.of("name", "typo", "steps", List.of(
                Map.of("id", "a", "on_sucess", "b")))))
                .when().post("/api/v1/workflows").then().statusCode(400)
                .body("field", equalTo("definition.steps[0].on_sucess"));
        given().contentType("application/yaml").body(bytes("workflow: [unclosed")).when()
                .post("/api/v1/workflows/from-yaml").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("definition", Map.of("name", "x", "steps",
                List.of(Map.of("id", "a"))), "task_payloads", List.of(Map.of())))
                .when().post("/api/v1/workflows").then().statusCode(400).body("field", equalTo("task_payloads"));
        given().when().get("/api/v1/workflows?status=pending&limit=500").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItems("loop", "never", "refs",
                        "typo")));
    }

    @Test
    void seed_000_task_payloads_still_make_a_linear_workflow() {
        String id = given().contentType(ContentType.JSON).body(WorkflowApiTest.SEED_PIPELINE)
                .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");
        given().when().get("/api/v1/workflows/" + id + "/tasks").then().statusCode(200)
                .body("definition.steps.id", contains("step-1", "step-2", "step-3"))
                .body("definition.steps[1].depends_on", contains("step-1"))
                .body("tasks.status", contains("pending", "waiting", "waiting"));
        given().when().post("/api/v1/workflows/" + id + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled"));
    }
}
