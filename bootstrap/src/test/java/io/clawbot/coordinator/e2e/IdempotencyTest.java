package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clawbot.coordinator.adapters.persistence.postgres.IdempotencyKeyRetention;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
class IdempotencyTest {

    @Inject
    IdempotencyKeyRetention retention;

    @Test
    void keys_older_than_the_retention_are_forgotten_and_a_repeat_then_creates_anew() {
        String oldKey = "old-" + java.util.UUID.randomUUID();
        String newKey = "new-" + java.util.UUID.randomUUID();
        String body = "{\"type\": \"" + Fixtures.unique("kept") + "\"}";
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", oldKey).body(body)
                .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
        given().contentType(ContentType.JSON).header("Idempotency-Key", newKey).body(body)
                .when().post("/api/v1/tasks").then().statusCode(201);
        Database.execute("update idempotency_keys set created_at = now() - interval '25 hours' where key = '"
                + oldKey + "'");

        assertThat(retention.forgetOlderThan(Duration.ofHours(24)).await().atMost(Duration.ofSeconds(10)))
                .isGreaterThanOrEqualTo(1);

        assertThat(Database.count("select count(*) from idempotency_keys where key = '" + oldKey + "'")).isZero();
        assertThat(Database.count("select count(*) from idempotency_keys where key = '" + newKey + "'")).isOne();
        String second = given().contentType(ContentType.JSON).header("Idempotency-Key", oldKey).body(body)
                .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void repeating_a_task_creation_with_the_same_key_and_body_returns_the_original() {
        String key = Fixtures.unique("key");
        String type = Fixtures.unique("once");
        String body = "{\"type\": \"" + type + "\", \"payload\": {\"a\": 1, \"b\": [1, 2]}}";
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
        // Same content, other key order and spacing: the same request.
        String reordered = "{ \"payload\": {\"b\": [1, 2], \"a\": 1}, \"type\": \"" + type + "\" }";
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(reordered)
                .when().post("/api/v1/tasks")
                .then().statusCode(200).header("Idempotent-Replayed", "true").body("id", equalTo(first));

        assertThat(Database.count("select count(*) from tasks where type = '" + type + "'")).isEqualTo(1);
    }

    @Test
    void the_same_key_with_another_body_is_rejected_and_creates_nothing() {
        String key = Fixtures.unique("key");
        String type = Fixtures.unique("guarded");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"type\": \"" + type + "\", \"payload\": {\"n\": 1}}")
                .when().post("/api/v1/tasks").then().statusCode(201);
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"type\": \"" + type + "\", \"payload\": {\"n\": 2}}")
                .when().post("/api/v1/tasks")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:idempotency-key-reused"));
        assertThat(Database.count("select count(*) from tasks where type = '" + type + "'")).isEqualTo(1);
    }

    @Test
    void repeating_a_workflow_creation_returns_the_original_and_creates_no_second_set_of_tasks() {
        String key = Fixtures.unique("wf-key");
        String name = Fixtures.unique("idempotent-pipeline");
        String body = "{\"name\": \"" + name + "\", \"task_payloads\": [{\"s\": 1}, {\"s\": 2}]}";
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post("/api/v1/workflows")
                .then().statusCode(200).body("id", equalTo(first)).body("task_ids.size()", equalTo(2));
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"name\": \"" + name + "\", \"task_payloads\": [{\"s\": 3}]}")
                .when().post("/api/v1/workflows").then().statusCode(422);

        assertThat(Database.count("select count(*) from workflows where name = '" + name + "'")).isEqualTo(1);
        assertThat(Database.count("select count(*) from tasks where workflow_id = '" + first + "'")).isEqualTo(2);
    }

    @Test
    void task_and_workflow_keys_do_not_collide() {
        String key = Fixtures.unique("shared-key");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body("{\"payload\": {}}")
                .when().post("/api/v1/tasks").then().statusCode(201);
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"name\": \"w\", \"task_payloads\": [{}]}")
                .when().post("/api/v1/workflows").then().statusCode(201);
    }

    @Test
    void a_key_longer_than_255_characters_is_rejected() {
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k".repeat(256)).body("{}")
                .when().post("/api/v1/tasks")
                .then().statusCode(400).body("field", equalTo("Idempotency-Key"));
    }
}
