package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ServiceApiTest {

    @Test
    void the_root_and_health_endpoints_report_the_service_and_its_dependencies() {
        given().when().get("/").then().statusCode(200)
                .body("service", equalTo("ClawBot Coordinator")).body("status", equalTo("ok"));
        given().when().get("/health").then().statusCode(200)
                .body("status", equalTo("healthy"))
                .body("checks.keySet()", hasItem(containsString("PostgreSQL")))
                .body("checks.'Redis (hints between replicas)'", equalTo("up"));
    }

    /** The management interface's port in tests (Quarkus's default, 9001, unless configured). */
    static int managementPort() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
    }

    @Test
    void probes_metrics_and_the_api_document_are_on_the_management_port_only() {
        for (String path : java.util.List.of("/q/health/ready", "/q/metrics", "/q/openapi", "/q/swagger-ui/")) {
            given().noFiltersOfType(AsAdmin.class).when().get(path).then().statusCode(404);
            given().port(managementPort()).noFiltersOfType(AsAdmin.class).when().get(path).then().statusCode(200);
        }
    }

    @Test
    void liveness_and_readiness_probes_are_up_and_readiness_checks_the_database() {
        given().port(managementPort()).when().get("/q/health/live").then().statusCode(200).body("status",
                equalTo("UP"));
        given().port(managementPort()).when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("PostgreSQL")))
                .body("checks.find { it.name == 'Redis (hints between replicas)' }.data.redis", equalTo("up"));
    }

    @Test
    void every_operation_in_the_openapi_document_has_an_id_a_summary_and_error_responses() {
        JsonPath doc = given().port(managementPort()).queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = doc.getMap("paths");
        assertThat(paths).containsKeys("/api/v1/bots", "/api/v1/tasks/{task_id}/complete",
                "/api/v1/workflows/{workflow_id}/tasks", "/api/v1/ws/connections", "/health");
        int operations = 0;
        for (var path : paths.entrySet()) {
            for (var op : path.getValue().entrySet()) {
                if (!java.util.Set.of("get", "post", "put", "delete", "patch").contains(op.getKey())) {
                    continue;
                }
                operations++;
                String where = op.getKey() + " " + path.getKey();
                assertThat(op.getValue().get("operationId")).as(where + " operationId").isNotNull();
                assertThat(op.getValue().get("summary")).as(where + " summary").isNotNull();
                @SuppressWarnings("unchecked")
                Map<String, Object> responses = (Map<String, Object>) op.getValue().get("responses");
                boolean hasError = responses.keySet().stream().anyMatch(code -> code.startsWith("4")
                        || code.startsWith("5"));
                if (!where.equals("get /") && !where.equals("get /api/v1/ws/connections")) {
                    assertThat(hasError).as(where + " documents an error response").isTrue();
                }
            }
        }
        assertThat(operations).as("seed 000 HTTP operations, the two token operations, dead letters, redrive, "
                + "task history, the nine schedule operations, workflows from YAML, workflow cancel and the six "
                + "workflow definition operations, the five key operations, the audit trail, the task and workflow "
                + "streams, explain and the status and its stream, the five task type operations, the seven trigger "
                + "operations and the two hooks, the two approval decisions, the batch creation of tasks, the "
                + "caller, the four dispatch policy operations of types and the six of concurrency keys, and a bot's health and "
                + "its release").isEqualTo(91);
    }

    @Test
    void swagger_ui_is_served() {
        given().port(managementPort()).when().get("/q/swagger-ui/").then().statusCode(200)
                .body(containsString("swagger"));
    }

    @Test
    void broadcasting_needs_an_assigned_task_whose_bot_a_replica_holds() {
        String type = Fixtures.unique("push");
        String task = Fixtures.createTask(type, 0);
        given().when().post("/api/v1/ws/broadcast/task/" + task)
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:invalid-transition"));

        Fixtures.assign(task, Fixtures.registerBot(Fixtures.unique("away"), type));
        given().when().post("/api/v1/ws/broadcast/task/" + task)
                .then().statusCode(409).body("type", equalTo("urn:clawbot:problem:bot-not-connected"));
        given().when().post("/api/v1/ws/broadcast/task/" + UUID.randomUUID()).then().statusCode(404);
        given().contentType(ContentType.JSON).when().post("/api/v1/ws/broadcast/task/zzz").then().statusCode(400);
    }

    @Test
    void prometheus_metrics_are_exposed() {
        given().port(managementPort()).when().get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests"));
    }
}
