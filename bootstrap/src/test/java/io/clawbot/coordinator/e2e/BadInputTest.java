package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** Bad input gets a precise problem document and changes nothing. */
@QuarkusTest
class BadInputTest {

    @Test
    void malformed_json_is_a_400_problem_without_internals() {
        long before = tasks();
        problem(given().contentType(ContentType.JSON).body("{\"type\": \"build\", ")
                .when().post("/api/v1/tasks").then(), 400, "malformed-json");
        assertThat(tasks()).isEqualTo(before);
    }

    @Test
    void a_wrong_type_names_the_field() {
        problem(given().contentType(ContentType.JSON).body("{\"priority\": \"high\"}")
                .when().post("/api/v1/tasks").then(), 400, "validation").body("field", equalTo("priority"));
        problem(given().contentType(ContentType.JSON).body("{\"payload\": [1, 2]}")
                .when().post("/api/v1/tasks").then(), 400, "validation").body("field", equalTo("payload"));
        problem(given().contentType(ContentType.JSON).body("{\"priority\": 1.5}")
                .when().post("/api/v1/tasks").then(), 400, "validation").body("field", equalTo("priority"));
        problem(given().contentType(ContentType.JSON).body("{\"name\": 42}")
                .when().post("/api/v1/bots").then(), 400, "validation").body("field", equalTo("name"));
        problem(given().contentType(ContentType.JSON).body("{\"name\": \"w\", \"task_payloads\": {\"a\": 1}}")
                .when().post("/api/v1/workflows").then(), 400, "validation")
                .body("field", equalTo("task_payloads"));
    }

    @Test
    void an_unknown_field_is_rejected_by_name() {
        problem(given().contentType(ContentType.JSON).body("{\"payload\": {}, \"priorty\": 5}")
                .when().post("/api/v1/tasks").then(), 400, "validation")
                .body("field", equalTo("priorty"))
                .body("detail", containsString("unknown field"));
    }

    @Test
    void a_priority_out_of_range_is_rejected() {
        problem(given().contentType(ContentType.JSON).body("{\"priority\": 1001}")
                .when().post("/api/v1/tasks").then(), 400, "validation").body("field", equalTo("priority"));
    }

    @Test
    void a_body_that_is_not_json_is_415() {
        problem(given().contentType(ContentType.TEXT).body("name=bot")
                .when().post("/api/v1/bots").then(), 415, "unsupported-media-type");
    }

    @Test
    void a_missing_body_is_a_400_not_a_500() {
        problem(given().contentType(ContentType.JSON).when().post("/api/v1/tasks").then(), 400, "validation");
    }

    @Test
    void a_huge_body_is_413_before_it_is_parsed() {
        long before = tasks();
        String big = "{\"payload\": {\"blob\": \"" + "x".repeat(1_100_000) + "\"}}";
        problem(given().contentType(ContentType.JSON).body(big).when().post("/api/v1/tasks").then(), 413,
                "payload-too-large");
        assertThat(tasks()).isEqualTo(before);
    }

    @Test
    void a_malformed_id_is_a_400_naming_the_parameter() {
        problem(given().when().get("/api/v1/tasks/not-a-uuid").then(), 400, "validation")
                .body("field", equalTo("task_id"));
        problem(given().when().get("/api/v1/bots/123").then(), 400, "validation").body("field", equalTo("bot_id"));
        problem(given().when().get("/api/v1/workflows/x/tasks").then(), 400, "validation")
                .body("field", equalTo("workflow_id"));
    }

    @Test
    void an_unknown_path_and_a_wrong_method_are_problems_too() {
        problem(given().when().get("/api/v1/nothing-here").then(), 404, "not-found");
        problem(given().when().put("/api/v1/tasks").then(), 405, "method-not-allowed");
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status, String code) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:" + code))
                .body("status", equalTo(status))
                .body("detail", not(containsString("Exception")))
                .body("detail", not(containsString("io.clawbot")));
    }

    private static long tasks() {
        return Database.count("select count(*) from tasks");
    }
}
