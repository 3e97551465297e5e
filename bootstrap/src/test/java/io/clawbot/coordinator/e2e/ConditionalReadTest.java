package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conditional reads: a GET answers with a strong ETag; the same tag in If-None-Match gets 304 with no body until
 * the answer changes; then 200 with the new tag.
 */
@QuarkusTest
class ConditionalReadTest {

    private static String tag(String path) {
        Response response = given().when().get(path).then().statusCode(200).extract().response();
        String tag = response.header("ETag");
        assertThat(tag).as("ETag of %s", path).matches("\"[A-Za-z0-9_-]{24}\"");
        return tag;
    }

    private static void notModified(String path, String ifNoneMatch) {
        Response response = given().header("If-None-Match", ifNoneMatch).when().get(path).then().statusCode(304)
                .extract().response();
        assertThat(response.asByteArray()).as("304 of %s", path).isEmpty();
        assertThat(response.header("ETag")).isNotBlank();
    }

    @Test
    void a_task_answers_304_while_unchanged_and_200_with_a_new_tag_once_it_changes() {
        String type = Fixtures.unique("etag");
        String task = Fixtures.createTask(type, 0);
        String path = "/api/v1/tasks/" + task;
        String tag = tag(path);
        assertThat(tag(path)).as("the same answer, the same tag").isEqualTo(tag);

        notModified(path, tag);
        notModified(path, "W/" + tag);
        notModified(path, "\"other\", " + tag);
        notModified(path, "*");
        given().header("If-None-Match", "\"other\"").when().get(path).then().statusCode(200);

        given().contentType(ContentType.JSON).body(Map.of("reason", "changed")).when()
                .post(path + "/cancel").then().statusCode(200);
        Response changed = given().header("If-None-Match", tag).when().get(path).then().statusCode(200).extract()
                .response();
        assertThat(changed.header("ETag")).isNotEqualTo(tag);
        assertThat(changed.jsonPath().getString("status")).isEqualTo("cancelled");
    }

    @Test
    void lists_workflows_their_tasks_and_histories_are_tagged_too() {
        String type = Fixtures.unique("etag-list");
        Fixtures.createTask(type, 0);
        String workflow = given().contentType(ContentType.JSON)
                .body(Map.of("name", "tagged", "task_type", type, "task_payloads", List.of(Map.of("n", 1))))
                .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");
        String task = given().when().get("/api/v1/workflows/" + workflow).then().statusCode(200).extract()
                .path("task_ids[0]");
        for (String path : List.of("/api/v1/tasks?type=" + type, "/api/v1/tasks/pending?type=" + type,
                "/api/v1/workflows/" + workflow, "/api/v1/workflows/" + workflow + "/tasks",
                "/api/v1/tasks/" + task + "/events", "/api/v1/bots?capability=" + type, "/")) {
            notModified(path, tag(path));
        }

        String list = "/api/v1/tasks?type=" + type;
        String before = tag(list);
        Fixtures.createTask(type, 0);
        given().header("If-None-Match", before).when().get(list).then().statusCode(200);
    }

    @Test
    void only_reads_are_conditional_and_errors_carry_no_tag() {
        String task = Fixtures.createTask(Fixtures.unique("etag-write"), 0);
        String tag = tag("/api/v1/tasks/" + task);
        given().header("If-None-Match", tag).contentType(ContentType.JSON).body(Map.of()).when()
                .post("/api/v1/tasks/" + task + "/cancel").then().statusCode(200);
        Response missing = given().header("If-None-Match", "*").when()
                .get("/api/v1/tasks/" + java.util.UUID.randomUUID()).then().statusCode(404).extract().response();
        assertThat(missing.header("ETag")).isNull();
    }
}
