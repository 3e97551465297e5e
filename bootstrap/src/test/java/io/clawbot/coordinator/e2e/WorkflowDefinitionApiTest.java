package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Named, versioned workflow definitions over HTTP, against the real database, and the runs started from them. */
@QuarkusTest
class WorkflowDefinitionApiTest {

    private static final String BASE = "/api/v1/workflow-definitions";
    private static final Path EXAMPLES = Path.of("..", "examples");

    /** Only these tests write definitions; none outlives its test, so the list stays short. */
    @AfterEach
    void deleteDefinitions() {
        Database.execute("delete from workflow_definitions");
    }

    /** An example workflow file as it is in the repository (seed 001's example byte for byte). */
    private static byte[] example(String file) {
        try {
            return Files.readAllBytes(EXAMPLES.resolve(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read example " + file, e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One step of type {@code type} whose params read the input and carry {@code marker}. */
    private static Map<String, Object> oneStep(String workflowName, String type, Object marker) {
        return Map.of("name", workflowName, "steps", List.of(Map.of("id", "fetch", "type", type, "params",
                Map.of("url", "${input.url}", "greeting", "hello ${input.who}", "marker", marker))));
    }

    private static void register(String name, Map<String, Object> definition) {
        given().contentType(ContentType.JSON).body(Map.of("name", name, "definition", definition))
                .when().post(BASE)
                .then().statusCode(201);
    }

    private static JsonPath tasksOf(String workflowId) {
        return given().when().get("/api/v1/workflows/" + workflowId + "/tasks")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void seed_001s_yaml_registers_as_version_1_and_reads_back_in_canonical_form() {
        String name = Fixtures.unique("data-pipeline");
        given().contentType("application/yaml").queryParam("name", name).body(example("data-pipeline.yaml"))
                .when().post(BASE)
                .then().statusCode(201)
                .header("Location", containsString(BASE + "/" + name))
                .body("name", equalTo(name))
                .body("version", equalTo(1))
                .body("workflow_name", equalTo("data-pipeline"))
                .body("created_at", notNullValue())
                .body("definition.steps.id", contains("validate", "process", "save", "alert"))
                .body("definition.steps[0].type", equalTo("validation"))
                .body("definition.steps[0].params.schema", equalTo("input-schema"))
                .body("definition.steps[0].on_success", contains("process"))
                .body("definition.steps[0].on_failure", contains("alert"))
                .body("definition.steps[3].always_run", equalTo(true));

        given().when().get(BASE + "/" + name)
                .then().statusCode(200)
                .body("name", equalTo(name))
                .body("version", equalTo(1))
                .body("versions.version", contains(1))
                .body("definition.steps", hasSize(4));
    }

    @Test
    void a_yaml_definition_without_a_name_in_the_query_is_registered_under_its_own_name() {
        given().contentType("text/yaml").body(example("data-pipeline.yaml"))
                .when().post(BASE)
                .then().statusCode(201).body("name", equalTo("data-pipeline"));
        given().contentType("text/plain").body(example("fan-out-fan-in.yaml"))
                .when().post(BASE)
                .then().statusCode(201).body("name", equalTo("fan-out-fan-in"))
                .body("definition.steps[4].depends_on", contains("north", "south", "west"));
        given().contentType("application/x-yaml").queryParam("name", "ci-cd-pipeline")
                .body(example("ci-cd-pipeline.yaml"))
                .when().post(BASE)
                .then().statusCode(201).body("workflow_name", equalTo("CI/CD Pipeline"));
    }

    @Test
    void a_json_definition_registers_and_lists_with_its_latest_version() {
        String name = Fixtures.unique("etl");
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "definition", Map.of("name", "Nightly ETL", "description", "loads the "
                        + "warehouse", "steps", List.of(Map.of("id", "load", "type", "sql")))))
                .when().post(BASE)
                .then().statusCode(201)
                .body("name", equalTo(name))
                .body("workflow_name", equalTo("Nightly ETL"))
                .body("description", equalTo("loads the warehouse"));
        given().contentType(ContentType.JSON)
                .body(Map.of("definition", Map.of("name", "Nightly ETL v2", "steps", List.of(Map.of("id", "load")))))
                .when().post(BASE + "/" + name + "/versions")
                .then().statusCode(201)
                .header("Location", containsString(BASE + "/" + name + "/versions/2"))
                .body("version", equalTo(2));

        JsonPath list = given().queryParam("limit", 500).when().get(BASE)
                .then().statusCode(200).extract().jsonPath();
        assertThat(list.getList("name")).contains(name);
        Map<String, Object> entry = list.getMap("find { it.name == '" + name + "' }");
        assertThat(entry).containsEntry("latest_version", 2).containsEntry("workflow_name", "Nightly ETL v2");
        assertThat(entry.get("created_at")).isNotNull();
        assertThat(entry.get("updated_at")).isNotNull();
        given().queryParam("limit", 0).when().get(BASE).then().statusCode(400).body("field", equalTo("limit"));
    }

    @Test
    void a_new_version_is_numbered_next_and_every_version_stays_readable() {
        String name = Fixtures.unique("versions");
        register(name, oneStep("first", "alpha", 1));
        given().contentType("application/yaml")
                .body(bytes("name: second\nsteps:\n  - id: only\n    type: beta\n"))
                .when().post(BASE + "/" + name + "/versions")
                .then().statusCode(201).body("version", equalTo(2)).body("workflow_name", equalTo("second"));
        given().contentType("application/yaml").body(bytes("steps:\n  - id: unnamed\n"))
                .when().post(BASE + "/" + name + "/versions")
                .then().statusCode(201).body("version", equalTo(3)).body("workflow_name", equalTo(name));

        given().when().get(BASE + "/" + name)
                .then().statusCode(200)
                .body("version", equalTo(3))
                .body("versions.version", contains(1, 2, 3))
                .body("versions.created_at", not(hasItem(nullValue())));
        given().when().get(BASE + "/" + name + "/versions/1")
                .then().statusCode(200)
                .body("version", equalTo(1))
                .body("workflow_name", equalTo("first"))
                .body("definition.steps[0].params.url", equalTo("${input.url}"));
        given().when().get(BASE + "/" + name + "/versions/2")
                .then().statusCode(200).body("definition.steps[0].type", equalTo("beta"));
    }

    @Test
    void concurrent_new_versions_get_consecutive_numbers() throws Exception {
        String name = Fixtures.unique("raced");
        register(name, oneStep("v1", "alpha", 1));
        int writers = 5;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> versions = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Map<String, Object> body = Map.of("definition", oneStep("writer " + i, "alpha", i));
                versions.add(pool.submit(() -> {
                    go.await();
                    return given().contentType(ContentType.JSON).body(body)
                            .when().post(BASE + "/" + name + "/versions")
                            .then().statusCode(201).extract().<Integer>path("version");
                }));
            }
            go.countDown();
            List<Integer> numbers = new ArrayList<>();
            for (Future<Integer> v : versions) {
                numbers.add(v.get(30, TimeUnit.SECONDS));
            }
            assertThat(numbers).containsExactlyInAnyOrder(2, 3, 4, 5, 6);
        } finally {
            pool.shutdownNow();
        }
        given().when().get(BASE + "/" + name).then().body("versions.version", contains(1, 2, 3, 4, 5, 6));
    }

    @Test
    void a_taken_name_is_a_conflict() {
        String name = Fixtures.unique("taken");
        register(name, oneStep("one", "alpha", 1));

        given().contentType(ContentType.JSON).body(Map.of("name", name, "definition", oneStep("two", "alpha", 2)))
                .when().post(BASE)
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:workflow-definition-exists"))
                .body("detail", containsString(name));
        given().when().get(BASE + "/" + name).then().body("versions.version", contains(1))
                .body("workflow_name", equalTo("one"));
    }

    @Test
    void unknown_names_and_versions_are_not_found() {
        String name = Fixtures.unique("known");
        register(name, oneStep("known", "alpha", 1));
        String missing = Fixtures.unique("missing");

        for (var request : List.of(
                given().when().get(BASE + "/" + missing),
                given().when().get(BASE + "/" + missing + "/versions/1"),
                given().when().get(BASE + "/" + name + "/versions/2"),
                given().contentType(ContentType.JSON).body(Map.of("definition", oneStep("x", "alpha", 1)))
                        .when().post(BASE + "/" + missing + "/versions"),
                given().contentType(ContentType.JSON).body("{}").when().post(BASE + "/" + missing + "/runs"),
                given().contentType(ContentType.JSON).body("{\"version\": 9}").when()
                        .post(BASE + "/" + name + "/runs"))) {
            request.then().statusCode(404).contentType("application/problem+json")
                    .body("type", equalTo("urn:clawbot:problem:workflow-definition-not-found"));
        }
        given().when().get(BASE + "/" + name + "/versions/2").then().body("detail",
                equalTo("Workflow definition '" + name + "' has no version 2"));
        given().when().get(BASE + "/" + name + "/versions/zero").then().statusCode(400)
                .body("field", equalTo("version"));
        given().when().get(BASE + "/" + name + "/versions/0").then().statusCode(400)
                .body("field", equalTo("version"));
    }

    @Test
    void an_invalid_definition_is_rejected_naming_the_path_of_the_error() {
        String name = Fixtures.unique("bad");
        Map<String, Object> dangling = Map.of("name", "dangling", "steps", List.of(Map.of("id", "a"),
                Map.of("id", "b"), Map.of("id", "c", "on_success", "nowhere")));

        given().contentType(ContentType.JSON).body(Map.of("name", name, "definition", dangling))
                .when().post(BASE)
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:validation"))
                .body("field", equalTo("definition.steps[2].on_success"))
                .body("detail", containsString("names no step 'nowhere'"));
        given().contentType("application/yaml").queryParam("name", name)
                .body(bytes("workflow:\n  name: typo\n  jobs:\n    - id: a\n      on_sucess: b\n"))
                .when().post(BASE)
                .then().statusCode(400).body("field", equalTo("jobs[0].on_sucess"));
        given().contentType(ContentType.JSON).body(Map.of("name", name, "definition", Map.of("name", "x",
                "steps", List.of(Map.of("id", "a", "params", Map.of("x", "${steps.a.result}"))))))
                .when().post(BASE)
                .then().statusCode(400).body("field", equalTo("definition.steps[0].params.x"));
        given().contentType(ContentType.JSON).body(Map.of("name", "a/b", "definition", oneStep("x", "t", 1)))
                .when().post(BASE)
                .then().statusCode(400).body("field", equalTo("name"));
        given().contentType(ContentType.JSON).body(Map.of("name", name))
                .when().post(BASE)
                .then().statusCode(400).body("field", equalTo("definition"));
        given().contentType(ContentType.JSON).body(Map.of("name", name, "definition", List.of(1)))
                .when().post(BASE)
                .then().statusCode(400).body("field", equalTo("definition"));
        given().contentType(ContentType.JSON).body(Map.of("name", name, "colour", "red"))
                .when().post(BASE)
                .then().statusCode(400).body("field", equalTo("colour"));
        given().when().get(BASE + "/" + name).then().statusCode(404);
    }

    @Test
    void a_body_that_is_not_yaml_or_not_a_mapping_is_a_bad_request_not_an_error() {
        for (String body : List.of("workflow: [unclosed", "- just\n- a list\n", "a scalar", "a: 1\na: 2\n",
                "x: .inf\n", "", "a: 1\n---\nb: 2\n", "a: &x [1]\nb: *x\n", "f: !!binary aGVsbG8=\n")) {
            given().contentType("application/yaml").queryParam("name", "yaml-check").body(bytes(body))
                    .when().post(BASE)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("urn:clawbot:problem:validation"))
                    .body("field", equalTo("body"))
                    .body("detail", not(containsString("org.")));
        }
        given().contentType("application/yaml").queryParam("name", "yaml-check")
                .body(bytes("workflow: [unclosed"))
                .when().post(BASE)
                .then().body("detail", containsString("line 1"));
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", ")
                .when().post(BASE)
                .then().statusCode(400).body("type", equalTo("urn:clawbot:problem:malformed-json"));
        given().contentType(ContentType.URLENC).body("name=x")
                .when().post(BASE)
                .then().statusCode(415);
    }

    @Test
    void a_run_resolves_the_input_into_its_first_steps_payload() {
        String name = Fixtures.unique("fetcher");
        String type = Fixtures.unique("fetch");
        register(name, oneStep("Fetcher", type, "v1"));

        JsonPath run = given().contentType(ContentType.JSON)
                .body(Map.of("input", Map.of("url", "https://example.org/data.csv", "who", "world"),
                        "metadata", Map.of("requested_by", "test")))
                .when().post(BASE + "/" + name + "/runs")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/workflows/"))
                .body("name", equalTo("Fetcher"))
                .body("status", equalTo("pending"))
                .body("task_ids", hasSize(1))
                .body("started_at", notNullValue())
                .body("metadata.requested_by", equalTo("test"))
                .extract().jsonPath();

        given().when().get("/api/v1/workflows/" + run.getString("id") + "/tasks")
                .then().statusCode(200)
                .body("tasks[0].id", equalTo(run.getString("task_ids[0]")))
                .body("tasks[0].type", equalTo(type))
                .body("tasks[0].status", equalTo("pending"))
                .body("tasks[0].payload.url", equalTo("https://example.org/data.csv"))
                .body("tasks[0].payload.greeting", equalTo("hello world"))
                .body("tasks[0].payload.marker", equalTo("v1"));
    }

    @Test
    void a_run_uses_the_requested_version_and_otherwise_the_latest() {
        String name = Fixtures.unique("versioned-run");
        String type = Fixtures.unique("fetch");
        register(name, oneStep("Version one", type, 1));
        given().contentType(ContentType.JSON).body(Map.of("definition", oneStep("Version two", type, 2)))
                .when().post(BASE + "/" + name + "/versions").then().statusCode(201);

        String first = given().contentType(ContentType.JSON).body(Map.of("version", 1))
                .when().post(BASE + "/" + name + "/runs")
                .then().statusCode(201).body("name", equalTo("Version one")).extract().path("id");
        String latest = given().when().post(BASE + "/" + name + "/runs")
                .then().statusCode(201).body("name", equalTo("Version two")).extract().path("id");

        assertThat(tasksOf(first).getInt("tasks[0].payload.marker")).isEqualTo(1);
        assertThat(tasksOf(latest).getInt("tasks[0].payload.marker")).isEqualTo(2);
    }

    @Test
    void a_run_created_without_auto_start_waits_for_start() {
        String name = Fixtures.unique("later");
        String type = Fixtures.unique("fetch");
        register(name, oneStep("Later", type, 1));

        String id = given().contentType(ContentType.JSON)
                .body(Map.of("auto_start", false, "input", Map.of("url", "u", "who", "w")))
                .when().post(BASE + "/" + name + "/runs")
                .then().statusCode(201).body("started_at", nullValue()).extract().path("id");
        given().when().get("/api/v1/workflows/" + id + "/tasks").then().body("tasks.status", contains("waiting"));

        given().when().post("/api/v1/workflows/" + id + "/start").then().statusCode(200);
        given().when().get("/api/v1/workflows/" + id + "/tasks")
                .then().body("tasks.status", contains("pending")).body("tasks[0].payload.url", equalTo("u"));
    }

    @Test
    void a_run_with_an_idempotency_key_is_created_once_per_definition_and_body() {
        String name = Fixtures.unique("idempotent");
        String other = Fixtures.unique("idempotent");
        String type = Fixtures.unique("fetch");
        register(name, oneStep("Once", type, 1));
        register(other, oneStep("Other", type, 1));
        String key = Fixtures.unique("key");
        Map<String, Object> body = Map.of("input", Map.of("url", "u", "who", "w"));

        String id = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post(BASE + "/" + name + "/runs")
                .then().statusCode(201).extract().path("id");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post(BASE + "/" + name + "/runs")
                .then().statusCode(200).header("Idempotent-Replayed", "true").body("id", equalTo(id));
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post(BASE + "/" + other + "/runs")
                .then().statusCode(422).body("type", equalTo("urn:clawbot:problem:idempotency-key-reused"));
        given().contentType(ContentType.JSON).body(Map.of("inputs", Map.of()))
                .when().post(BASE + "/" + name + "/runs")
                .then().statusCode(400).body("field", equalTo("inputs"));
    }
}
