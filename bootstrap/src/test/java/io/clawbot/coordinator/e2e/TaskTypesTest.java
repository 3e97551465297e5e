package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The task type registry: a registered type's schema is enforced at submission with every violation and its
 * pointer, nothing stored; its defaults fill what a request leaves out; strict mode refuses unregistered types.
 */
@QuarkusTest
@TestProfile(TaskTypesTest.Strict.class)
class TaskTypesTest {

    /** A service of this class's own, accepting registered task types only. */
    public static class Strict implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coordinator.task-types.strict", "true");
        }
    }

    private static final Map<String, Object> SCHEMA = Map.of("type", "object", "required", List.of("repo", "ref"),
            "properties", Map.of("repo", Map.of("type", "string", "minLength", 1), "ref", Map.of("type", "string"),
                    "depth", Map.of("type", "integer", "minimum", 1)),
            "additionalProperties", false);

    private static void register(String name, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name, "description", "builds",
                "payload_schema", SCHEMA));
        body.putAll(extra);
        given().contentType(ContentType.JSON).body(body).when().post("/api/v1/task-types").then().statusCode(201)
                .header("Location", "/api/v1/task-types/" + name).body("version", equalTo(0));
    }

    private static long stored(String type) {
        return Database.count("select count(*) from tasks where type = '" + type + "'");
    }

    @Test
    void a_payload_that_breaks_the_schema_is_refused_with_every_violation_and_nothing_is_stored() {
        String type = Fixtures.unique("build");
        register(type, Map.of());

        JsonPath problem = given().contentType(ContentType.JSON)
                .body(Map.of("type", type, "payload", Map.of("repo", "", "depth", 0, "extra", true)))
                .when().post("/api/v1/tasks").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("payload")).extract().jsonPath();
        assertThat(problem.getList("errors.pointer")).containsExactlyInAnyOrder("", "", "/repo", "/depth");
        assertThat(problem.getList("errors.message", String.class)).allSatisfy(m -> assertThat(m).isNotBlank());
        assertThat(problem.getString("detail")).contains(type);
        assertThat(stored(type)).isZero();

        given().contentType(ContentType.JSON).body(Map.of("type", type, "params", Map.of("repo", "app", "ref", "v1")))
                .when().post("/api/v1/tasks").then().statusCode(201).body("payload.repo", equalTo("app"));
        given().contentType(ContentType.JSON).body(Map.of("type", type, "payload", Map.of("repo", "a", "ref", "b"),
                "params", Map.of("repo", "c", "ref", "d")))
                .when().post("/api/v1/tasks").then().statusCode(400).body("field", equalTo("params"));
        assertThat(stored(type)).isEqualTo(1);
    }

    @Test
    void a_types_defaults_fill_what_the_request_leaves_out() {
        String type = Fixtures.unique("render");
        register(type, Map.of("priority", 40, "timeout_seconds", 900, "retry", Map.of("max_attempts", 7)));
        Map<String, Object> payload = Map.of("repo", "r", "ref", "main");

        given().contentType(ContentType.JSON).body(Map.of("type", type, "payload", payload)).when()
                .post("/api/v1/tasks").then().statusCode(201).body("priority", equalTo(40))
                .body("timeout_seconds", equalTo(900)).body("retry.max_attempts", equalTo(7));
        given().contentType(ContentType.JSON).body(Map.of("type", type, "payload", payload, "priority", 0,
                "timeout_seconds", 60, "retry", Map.of("max_attempts", 2))).when().post("/api/v1/tasks").then()
                .statusCode(201).body("priority", equalTo(0)).body("timeout_seconds", equalTo(60))
                .body("retry.max_attempts", equalTo(2));
    }

    @Test
    void a_types_keys_are_given_to_its_tasks_from_their_payloads_unless_a_request_states_its_own() {
        String type = Fixtures.unique("keyed-type");
        register(type,
                Map.<String, Object>of("concurrency_key", "repo:${payload.repo}", "max_concurrency", 1, "fairness_key",
                        "ref:${payload.ref}", "fairness_weight", 2, "rate_limit_key", "api:${payload.repo}",
                        "rate_per_second", 4));
        given().when().get("/api/v1/task-types/" + type).then().statusCode(200)
                .body("concurrency_key", equalTo("repo:${payload.repo}")).body("max_concurrency", equalTo(1))
                .body("fairness_key", equalTo("ref:${payload.ref}")).body("fairness_weight", equalTo(2))
                .body("rate_limit_key", equalTo("api:${payload.repo}")).body("rate_per_second", equalTo(4.0f));
        Map<String, Object> payload = Map.of("repo", "app", "ref", "main");

        given().contentType(ContentType.JSON).body(Map.of("type", type, "payload", payload)).when()
                .post("/api/v1/tasks").then().statusCode(201).body("concurrency_key", equalTo("repo:app"))
                .body("max_concurrency", equalTo(1)).body("fairness_key", equalTo("ref:main"))
                .body("fairness_weight", equalTo(2)).body("rate_limit_key", equalTo("api:app"))
                .body("rate_per_second", equalTo(4.0f)).body("rate_burst", equalTo(4));
        given().contentType(ContentType.JSON).body(Map.of("type", type, "payload", payload, "concurrency_key", "own",
                "max_concurrency", 3)).when().post("/api/v1/tasks").then().statusCode(201)
                .body("concurrency_key", equalTo("own")).body("max_concurrency", equalTo(3))
                .body("fairness_key", equalTo("ref:main"));

        String byDepth = Fixtures.unique("keyed-depth");
        register(byDepth, Map.<String, Object>of("concurrency_key", "depth:${payload.depth}", "max_concurrency", 2));
        given().contentType(ContentType.JSON).body(Map.of("type", byDepth, "payload", payload)).when()
                .post("/api/v1/tasks").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("payload")).body("detail", org.hamcrest.Matchers.containsString(
                        "takes its concurrency_key from the payload"));
        assertThat(stored(byDepth)).isZero();

        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("concurrency_key", "k"),
                Map.of("max_concurrency", 2),
                Map.of("concurrency_key", "k:${env.HOME}", "max_concurrency", 2), Map.of("fairness_weight", 2),
                Map.of("fairness_key", "k", "fairness_weight", 0), Map.of("fairness_key", "k:${payload.}"),
                Map.of("rate_limit_key", "k"), Map.of("rate_per_second", 2), Map.of("rate_limit_key", "k",
                        "rate_per_second", 0),
                Map.of("rate_limit_key", "k", "rate_per_second", 1, "rate_burst", 0))) {
            Map<String, Object> body = new java.util.HashMap<>(Map.of("name", Fixtures.unique("bad-keys")));
            body.putAll(bad);
            given().contentType(ContentType.JSON).body(body).when().post("/api/v1/task-types").then().statusCode(400)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void strict_mode_refuses_unregistered_types_and_workflow_steps_are_checked_too() {
        String unknown = Fixtures.unique("unknown");
        given().contentType(ContentType.JSON).body(Map.of("type", unknown)).when().post("/api/v1/tasks").then()
                .statusCode(400).body("field", equalTo("type"));
        assertThat(stored(unknown)).isZero();

        String type = Fixtures.unique("step");
        register(type, Map.of());
        long workflows = Database.count("select count(*) from workflows");
        JsonPath problem = given().contentType(ContentType.JSON)
                .body(Map.of("definition", Map.of("name", "checked", "steps", List.of(
                        Map.of("id", "a", "type", type, "params", Map.of("repo", "x", "ref", "${input.ref}")),
                        Map.of("id", "b", "type", type, "params", Map.of("repo", 5), "depends_on", List.of("a")))),
                        "input", Map.of("ref", "main")))
                .when().post("/api/v1/workflows").then().statusCode(400).extract().jsonPath();
        assertThat(problem.getString("field")).isEqualTo("steps[1].params");
        assertThat(problem.getList("errors.pointer")).contains("/repo", "");
        assertThat(Database.count("select count(*) from workflows")).isEqualTo(workflows);
        assertThat(stored(type)).isZero();
    }

    @Test
    void types_are_listed_replaced_and_deleted_and_bad_schemas_are_refused() {
        String type = Fixtures.unique("deploy");
        register(type, Map.of());
        given().contentType(ContentType.JSON).body(Map.of("name", type)).when().post("/api/v1/task-types").then()
                .statusCode(409).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("description", "deploys", "timeout_seconds", 120)).when()
                .put("/api/v1/task-types/" + type).then().statusCode(200).body("version", equalTo(1))
                .body("payload_schema", equalTo(null)).body("timeout_seconds", equalTo(120));
        assertThat(given().when().get("/api/v1/task-types").then().statusCode(200).extract().<String>jsonPath()
                .getList("name", String.class)).contains(type);
        given().when().get("/api/v1/task-types/" + type).then().statusCode(200).body("description", equalTo("deploys"));

        for (Map<String, Object> bad : List.of(Map.<String, Object>of("type", "objekt"),
                Map.<String, Object>of("properties", Map.of("a", Map.of("$ref", "https://example.com/s.json"))))) {
            given().contentType(ContentType.JSON).body(Map.of("name", Fixtures.unique("bad"), "payload_schema", bad))
                    .when().post("/api/v1/task-types").then().statusCode(400)
                    .body("field", org.hamcrest.Matchers.startsWith("payload_schema"));
        }
        given().contentType(ContentType.JSON).body(Map.of("name", "other")).when()
                .put("/api/v1/task-types/" + type).then().statusCode(400).body("field", equalTo("name"));

        given().when().delete("/api/v1/task-types/" + type).then().statusCode(204);
        given().when().get("/api/v1/task-types/" + type).then().statusCode(404);
        given().when().delete("/api/v1/task-types/" + type).then().statusCode(404);
    }

    /** Runs {@code racers} requests at once, released together; their statuses. */
    private static List<Integer> race(int racers, java.util.function.IntFunction<Integer> request) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racers);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < racers; i++) {
                int n = i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return request.apply(n);
                }));
            }
            start.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var answer : answers) {
                statuses.add(answer.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void racing_registrations_make_one_type_and_racing_replacements_each_count_once() throws Exception {
        for (int round = 0; round < 10; round++) {
            String type = Fixtures.unique("raced");
            List<Integer> created = race(8, n -> given().contentType(ContentType.JSON)
                    .body(Map.of("name", type, "priority", n)).when().post("/api/v1/task-types").then().extract()
                    .statusCode());
            assertThat(created).as("round %d", round).containsOnly(201, 409);
            assertThat(created).filteredOn(s -> s == 201).hasSize(1);

            List<Integer> replaced = race(8, n -> given().contentType(ContentType.JSON)
                    .body(Map.of("timeout_seconds", 100 + n)).when().put("/api/v1/task-types/" + type).then()
                    .extract().statusCode());
            assertThat(replaced).as("round %d", round).containsOnly(200, 409);
            long wins = replaced.stream().filter(s -> s == 200).count();
            assertThat(wins).isPositive();
            assertThat(given().when().get("/api/v1/task-types/" + type).then().statusCode(200).extract()
                    .jsonPath().getLong("version")).as("one version per replacement that answered 200")
                    .isEqualTo(wins);
        }
    }
}
