package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workflows that decide: steps with a CEL {@code when}, and approval steps decided by people, through seed 003's
 * order-processing example in {@code examples/}, run to each of its outcomes on the real service.
 */
@QuarkusTest
class ApprovalsTest {

    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final ExecutorService RACERS = Executors.newFixedThreadPool(8);

    private String definition;
    private String bot;
    private String operator;

    @AfterAll
    static void stop() {
        RACERS.shutdownNow();
    }

    @BeforeEach
    void orderProcessing() throws IOException {
        definition = Fixtures.unique("orders");
        given().contentType("application/yaml").queryParam("name", definition)
                .body(Files.readAllBytes(EXAMPLES.resolve("order-processing.yaml")))
                .when().post("/api/v1/workflow-definitions").then().log().ifValidationFails().statusCode(201);
        bot = Fixtures.registerBot(Fixtures.unique("order-bot"), "validate-order", "process-payment", "notify");
        Fixtures.heartbeat(bot);
        operator = Keys.issue("operator");
    }

    private String run(int amount) {
        return given().contentType(ContentType.JSON).body(Map.of("input", Map.of("id", "order-" + amount,
                "amount", amount))).when().post("/api/v1/workflow-definitions/" + definition + "/runs").then()
                .statusCode(201).extract().path("id");
    }

    private static JsonPath steps(String workflow) {
        return given().when().get("/api/v1/workflows/" + workflow + "/tasks").then().statusCode(200).extract()
                .jsonPath();
    }

    /** The task of the step at {@code position} (validate 0, approval 1, process-payment 2, notify-rejected 3). */
    private static String step(String workflow, int position) {
        return steps(workflow).getString("tasks[" + position + "].id");
    }

    private static String status(String workflow, int position) {
        return steps(workflow).getString("tasks[" + position + "].status");
    }

    private void complete(String task) {
        Fixtures.assign(task, bot);
        given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"result\": {\"ok\": true}}")
                .when().post("/api/v1/tasks/" + task + "/complete").then().statusCode(200);
    }

    private static io.restassured.response.Response decide(String key, String workflow, String step, String verb,
            String comment) {
        return Keys.as(key).contentType(ContentType.JSON).body(Map.of("comment", comment)).when()
                .post("/api/v1/workflows/" + workflow + "/steps/" + step + "/" + verb);
    }

    @Test
    void a_small_order_skips_the_approval_and_is_paid_for() {
        String workflow = run(500);
        complete(step(workflow, 0));
        JsonPath after = steps(workflow);
        assertThat(after.getString("tasks[1].status")).isEqualTo("skipped");
        assertThat(after.getString("tasks[1].error_code")).isEqualTo("condition_false");
        assertThat(after.getString("tasks[1].error")).contains("input.amount > 10000");
        assertThat(after.getString("tasks[2].status")).as("a step skipped by its condition is done").isEqualTo(
                "pending");
        complete(step(workflow, 2));
        JsonPath done = steps(workflow);
        assertThat(done.getString("workflow.status")).isEqualTo("completed");
        assertThat(done.getString("tasks[3].status")).isEqualTo("skipped");
    }

    @Test
    void a_large_order_waits_for_an_operators_approval_then_is_paid_for() {
        String workflow = run(25_000);
        complete(step(workflow, 0));
        String approval = step(workflow, 1);
        given().when().get("/api/v1/tasks/" + approval).then().body("status", equalTo("pending"))
                .body("type", equalTo("clawbot:approval")).body("payload.request.amount", equalTo(25000))
                .body("payload.approval.approvers", equalTo("operator"));
        given().when().get("/api/v1/tasks/" + approval + "/explain").then().statusCode(200)
                .body("reasons[0].code", equalTo("awaiting_decision"))
                .body("reasons[0].message", containsString("operator role"))
                .body("reasons[0].message", containsString("(reject) applies"));
        // No bot takes it, not even by hand.
        given().contentType(ContentType.JSON).body(Map.of("bot_id", bot)).when()
                .post("/api/v1/tasks/" + approval + "/assign").then().statusCode(409);
        decide(Keys.issue("submitter"), workflow, "approval", "approve", "me").then().statusCode(404);
        decide(Keys.issue("reader"), workflow, "approval", "approve", "me").then().statusCode(403);
        decide(operator, workflow, "process-payment", "approve", "x").then().statusCode(409)
                .body("type", containsString("not-an-approval"));
        decide(operator, workflow, "nope", "approve", "x").then().statusCode(404);

        decide(operator, workflow, "approval", "approve", "customer verified by phone").then().statusCode(200)
                .body("tasks[1].status", equalTo("completed"))
                .body("tasks[1].result.decision", equalTo("approved"))
                .body("tasks[1].result.by", startsWith("key:operator-"))
                .body("tasks[1].result.comment", equalTo("customer verified by phone"))
                .body("tasks[2].status", equalTo("pending"));
        decide(operator, workflow, "approval", "reject", "too late").then().statusCode(409);
        List<String> reasons = given().when().get("/api/v1/tasks/" + approval + "/events").then().statusCode(200)
                .extract().jsonPath().getList("reason");
        assertThat(reasons).anyMatch(r -> r != null && r.startsWith("approved by key:operator-")
                && r.endsWith("customer verified by phone"));
        complete(step(workflow, 2));
        assertThat(steps(workflow).getString("workflow.status")).isEqualTo("completed");
        assertThat(status(workflow, 3)).isEqualTo("skipped");
    }

    @Test
    void a_rejected_order_is_not_paid_for_and_its_customer_is_told() {
        String workflow = run(25_000);
        complete(step(workflow, 0));
        decide(AsAdmin.key(), workflow, "approval", "reject", "card flagged").then().statusCode(200)
                .body("tasks[1].status", equalTo("failed")).body("tasks[1].error_code", equalTo("rejected"))
                .body("tasks[1].result.decision", equalTo("rejected"))
                .body("tasks[2].status", equalTo("skipped")).body("tasks[3].status", equalTo("pending"));
        complete(step(workflow, 3));
        assertThat(steps(workflow).getString("workflow.status")).isEqualTo("completed");
    }

    @Test
    void an_undecided_approval_takes_its_default_outcome_when_its_time_is_up() throws Exception {
        Map<String, Object> document = Map.of("name", "timed-gate", "steps", List.of(
                Map.of("id", "gate", "kind", "approval", "timeout_seconds", 1, "default_outcome", "approve"),
                Map.of("id", "after", "type", "notify", "depends_on", List.of("gate"))));
        String workflow = given().contentType(ContentType.JSON).body(Map.of("definition", document)).when()
                .post("/api/v1/workflows").then().statusCode(201).extract().path("id");
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!"completed".equals(status(workflow, 0))) {
            assertThat(System.nanoTime()).as("the default outcome within 15 s").isLessThan(end);
            Thread.sleep(200);
        }
        JsonPath after = steps(workflow);
        assertThat(after.getBoolean("tasks[0].result.timed_out")).isTrue();
        assertThat(after.getString("tasks[0].result.by")).isEqualTo("system");
        assertThat(after.getString("tasks[1].status")).isEqualTo("pending");
    }

    @Test
    void racing_decisions_on_one_approval_leave_exactly_one() throws Exception {
        Map<String, Object> document = Map.of("name", "raced-gate", "steps", List.of(Map.of("id", "gate", "kind",
                "approval"),
                Map.of("id", "yes", "type", "notify", "depends_on", List.of("gate"))));
        for (int round = 0; round < 10; round++) {
            String workflow = given().contentType(ContentType.JSON).body(Map.of("definition", document)).when()
                    .post("/api/v1/workflows").then().statusCode(201).extract().path("id");
            List<Callable<Integer>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String verb = i % 2 == 0 ? "approve" : "reject";
                racers.add(() -> decide(operator, workflow, "gate", verb, "racer").statusCode());
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : RACERS.invokeAll(racers)) {
                codes.add(f.get());
            }
            assertThat(codes).as("round " + round).containsOnlyOnce(200).containsOnly(200, 409);
            JsonPath after = steps(workflow);
            String gate = after.getString("tasks[0].status");
            assertThat(gate).isIn("completed", "failed");
            assertThat(after.getString("tasks[1].status")).isEqualTo(gate.equals("completed") ? "pending" : "skipped");
            List<Map<String, Object>> events = given().when().get("/api/v1/tasks/" + after.getString("tasks[0].id")
                    + "/events").then().extract().jsonPath().getList("$");
            assertThat(events).filteredOn(e -> gate.equals(e.get("to_status"))).hasSize(1);
        }
    }

    @Test
    void bad_conditions_and_approval_steps_are_refused_with_their_place() {
        given().contentType(ContentType.JSON)
                .body(Map.of("definition", Map.of("name", "bad", "steps", List.of(Map.of("id", "a"),
                        Map.of("id", "b", "when", "input.amount >", "depends_on", List.of("a"))))))
                .when()
                .post("/api/v1/workflows").then().statusCode(400).body("field", equalTo("definition.steps[1].when"));
        given().contentType(ContentType.JSON)
                .body(Map.of("definition", Map.of("name", "bad", "steps", List.of(Map.of("id", "a",
                        "when", "order.amount > 1")))))
                .when().post("/api/v1/workflows").then().statusCode(400)
                .body("detail", containsString("order"));
        given().contentType(ContentType.JSON).body(Map.of("name", Fixtures.unique("bad"), "definition",
                Map.of("name", "bad", "steps", List.of(Map.of("id", "a", "when", "input.x +"))))).when()
                .post("/api/v1/workflow-definitions").then().statusCode(400)
                .body("field", equalTo("definition.steps[0].when"));
        given().contentType(ContentType.JSON)
                .body(Map.of("definition", Map.of("name", "bad", "steps", List.of(Map.of("id", "a",
                        "kind", "approval", "type", "build")))))
                .when().post("/api/v1/workflows").then().statusCode(400)
                .body("field", equalTo("definition.steps[0].type"));
        given().contentType(ContentType.JSON)
                .body(Map.of("definition", Map.of("name", "bad", "steps", List.of(Map.of("id", "a",
                        "kind", "approval", "approvers", "reader")))))
                .when().post("/api/v1/workflows").then()
                .statusCode(400).body("field", equalTo("definition.steps[0].approvers"));
        String adminsOnly = given().contentType(ContentType.JSON).body(Map.of("definition", Map.of("name", "admins",
                "steps", List.of(Map.of("id", "gate", "kind", "approval", "approvers", "admin"))))).when()
                .post("/api/v1/workflows").then().statusCode(201).extract().path("id");
        decide(operator, adminsOnly, "gate", "approve", "not mine to decide").then().statusCode(403)
                .body("type", containsString("not-an-approver"));
        decide(AsAdmin.key(), adminsOnly, "gate", "approve", "mine").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("name", Fixtures.unique("sly"), "capabilities",
                List.of("clawbot:approval"))).when().post("/api/v1/bots").then().statusCode(400)
                .body("field", equalTo("capabilities[0]"));
    }
}
