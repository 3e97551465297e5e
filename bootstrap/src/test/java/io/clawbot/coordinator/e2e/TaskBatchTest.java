package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/tasks/batch}: many tasks in one request and one transaction, each item checked and reported
 * on its own, idempotency keys per item.
 */
@QuarkusTest
class TaskBatchTest {

    private static ValidatableResponse post(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/tasks/batch").then();
    }

    private static long count(String type) {
        return Database.count("select count(*) from tasks where type = '" + type + "'");
    }

    @Test
    void good_items_are_created_together_and_each_bad_one_is_reported_in_its_place() {
        String type = Fixtures.unique("batch");
        String key = Fixtures.unique("key");
        String body = "{\"tasks\": ["
                + "{\"type\": \"" + type + "\", \"priority\": 7, \"payload\": {\"n\": 0}},"
                + "{\"type\": \"" + type + "\", \"payload\": {\"n\": 1}, \"idempotency_key\": \"" + key + "\"},"
                + "{\"type\": \"" + type + "\", \"payload\": {\"n\": 1}, \"idempotency_key\": \"" + key + "\"},"
                + "{\"type\": \"" + type + "\", \"payload\": {\"n\": 2}, \"idempotency_key\": \"" + key + "\"},"
                + "{\"type\": \"" + type + "\", \"priority\": 5000},"
                + "{\"type\": \"" + type + "\", \"priority\": \"high\"},"
                + "{\"type\": \"" + type + "\", \"colour\": \"red\"},"
                + "[1, 2],"
                + "{\"type\": \"" + type + "\", \"idempotency_key\": 12},"
                + "{\"type\": \"" + type + "\", \"idempotency_key\": \"\"},"
                + "{\"type\": \"" + type + "\", \"retry\": {\"non_retryable_errors\": [null]}},"
                + "{\"type\": \"" + type + "\", \"delay_seconds\": 30}"
                + "]}";

        ValidatableResponse answer = post(body).statusCode(200).contentType(ContentType.JSON)
                .body("created", equalTo(3)).body("replayed", equalTo(1)).body("failed", equalTo(8))
                .body("items.index", equalTo(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)))
                .body("items.status", equalTo(List.of(201, 201, 200, 422, 400, 400, 400, 400, 400, 400, 400, 201)))
                .body("items[3].problem.type", equalTo("urn:clawbot:problem:idempotency-key-reused"))
                .body("items[3].problem.field", equalTo("tasks[3].idempotency_key"))
                .body("items[4].problem.field", equalTo("tasks[4].priority"))
                .body("items[4].problem.detail", equalTo("tasks[4].priority: must be between -1000 and 1000"))
                .body("items[5].problem.field", equalTo("tasks[5].priority"))
                .body("items[5].problem.detail", equalTo("tasks[5].priority: must be an integer"))
                .body("items[6].problem.field", equalTo("tasks[6].colour"))
                .body("items[7].problem.field", equalTo("tasks[7]"))
                .body("items[8].problem.field", equalTo("tasks[8].idempotency_key"))
                .body("items[9].problem.field", equalTo("tasks[9].idempotency_key"))
                .body("items[10].problem.field", equalTo("tasks[10].retry.non_retryable_errors[0]"))
                .body("items[4].id", nullValue()).body("items[4].problem.instance", equalTo("/api/v1/tasks/batch"));
        List<String> ids = answer.extract().path("items.id");
        assertThat(ids.get(2)).as("the repeat in the batch replays the first").isEqualTo(ids.get(1));

        assertThat(count(type)).isEqualTo(3);
        given().when().get("/api/v1/tasks/" + ids.get(0)).then().statusCode(200).body("status", equalTo("pending"))
                .body("priority", equalTo(7)).body("payload.n", equalTo(0));
        given().when().get("/api/v1/tasks/" + ids.get(11)).then().statusCode(200).body("run_at",
                org.hamcrest.Matchers.notNullValue());
        assertThat(Database.count("select count(*) from task_events e join tasks t on t.id = e.task_id "
                + "where t.type = '" + type + "' and e.from_status is null and e.to_status = 'pending' "
                + "and e.cause = 'created'")).as("creation entries").isEqualTo(3);
        assertThat(Database.count("select count(*) from task_events e join tasks t on t.id = e.task_id "
                + "where t.type = '" + type + "'")).as("history entries").isEqualTo(3);

        // The same key and fields replay across batches and single creations, in both directions.
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"type\": \"" + type + "\", \"payload\": {\"n\": 1}}").when().post("/api/v1/tasks")
                .then().statusCode(200).body("id", equalTo(ids.get(1)));
        String single = Fixtures.unique("single-key");
        String singleId = given().contentType(ContentType.JSON).header("Idempotency-Key", single)
                .body("{\"type\": \"" + type + "\"}").when().post("/api/v1/tasks").then().statusCode(201).extract()
                .path("id");
        post("{\"tasks\": [{\"type\": \"" + type + "\", \"idempotency_key\": \"" + single + "\"}]}").statusCode(200)
                .body("items[0].status", equalTo(200)).body("items[0].id", equalTo(singleId));
        assertThat(count(type)).isEqualTo(4);
    }

    @Test
    void a_body_that_is_not_a_batch_is_refused_whole_and_creates_nothing() {
        String type = Fixtures.unique("not-a-batch");
        String item = "{\"type\": \"" + type + "\"}";
        StringBuilder tooMany = new StringBuilder("{\"tasks\": [");
        for (int i = 0; i <= 1000; i++) {
            tooMany.append(i == 0 ? "" : ",").append(item);
        }
        tooMany.append("]}");
        Map<String, String> refused = Map.of(
                "[" + item + "]", "body",
                "{}", "tasks",
                "{\"tasks\": []}", "tasks",
                "{\"tasks\": " + item + "}", "tasks",
                "{\"tasks\": [" + item + "], \"extra\": 1}", "extra",
                tooMany.toString(), "tasks");
        refused.forEach((body, field) -> post(body).statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:validation")).body("field", equalTo(field)));
        post("{\"tasks\": [" + item + ",").statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:malformed-json"));
        post("{\"tasks\": [{\"type\": \"" + type + "\", \"payload\": {\"s\": \"a\\u0000b\"}}]}").statusCode(400)
                .contentType("application/problem+json");
        post("").statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.TEXT).body(item).when().post("/api/v1/tasks/batch").then().statusCode(415);
        assertThat(count(type)).isZero();
    }

    @Test
    void a_key_limited_to_task_types_gets_403_for_the_items_of_other_types_only() {
        String mine = Fixtures.unique("mine");
        String other = Fixtures.unique("other");
        String submitter = Keys.issue("submitter", mine);
        String created = Keys.as(submitter).contentType(ContentType.JSON)
                .body("{\"tasks\": [{\"type\": \"" + mine + "\"}, {\"type\": \"" + other + "\"}, {}]}")
                .when().post("/api/v1/tasks/batch").then().statusCode(200)
                .body("items.status", equalTo(List.of(201, 403, 403))).extract().path("items[0].id");
        // The task is the key's own: a submitter reads only what it created.
        Keys.as(submitter).when().get("/api/v1/tasks/" + created).then().statusCode(200);
        Keys.as(Keys.issue("submitter")).when().get("/api/v1/tasks/" + created).then().statusCode(404);
        assertThat(count(mine)).isOne();
        assertThat(count(other)).isZero();
        Keys.as(Keys.issue("reader")).contentType(ContentType.JSON).body("{\"tasks\": [{\"type\": \"" + mine + "\"}]}")
                .when().post("/api/v1/tasks/batch").then().statusCode(403);
    }

    /**
     * Batches sharing keys, sent at once many times, each naming the keys in its own order: every key creates
     * exactly one task, every answer names that task, and no batch fails (their key locks are taken in one order).
     */
    @Test
    void batches_sharing_keys_at_once_create_one_task_per_key() throws Exception {
        int racers = 6;
        int keys = 20;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            for (int round = 0; round < 8; round++) {
                String type = Fixtures.unique("batch-race");
                List<String> shared = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    shared.add(Fixtures.unique("race-key"));
                }
                CyclicBarrier start = new CyclicBarrier(racers);
                List<Callable<Map<String, String>>> calls = new ArrayList<>();
                for (int r = 0; r < racers; r++) {
                    int seed = r;
                    calls.add(() -> {
                        List<String> mine = new ArrayList<>(shared);
                        Collections.shuffle(mine, new Random(seed));
                        StringBuilder body = new StringBuilder("{\"tasks\": [");
                        for (int k = 0; k < keys; k++) {
                            body.append(k == 0 ? "" : ",").append("{\"type\": \"").append(type)
                                    .append("\", \"payload\": {\"key\": \"").append(mine.get(k))
                                    .append("\"}, \"idempotency_key\": \"").append(mine.get(k)).append("\"}");
                        }
                        body.append("]}");
                        start.await();
                        List<String> ids = post(body.toString()).statusCode(200).body("failed", equalTo(0))
                                .extract().path("items.id");
                        Map<String, String> byKey = new java.util.HashMap<>();
                        for (int k = 0; k < keys; k++) {
                            byKey.put(mine.get(k), ids.get(k));
                        }
                        return byKey;
                    });
                }
                List<Map<String, String>> answers = new ArrayList<>();
                for (Future<Map<String, String>> f : pool.invokeAll(calls)) {
                    answers.add(f.get());
                }
                for (String key : shared) {
                    assertThat(answers.stream().map(a -> a.get(key)).distinct()).as("round %d, key %s", round, key)
                            .hasSize(1);
                }
                assertThat(count(type)).as("round %d", round).isEqualTo(keys);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
