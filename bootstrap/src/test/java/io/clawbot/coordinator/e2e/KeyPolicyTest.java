package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The policies of concurrency keys over the API, with a bot connected: a paused key's tasks wait in their order
 * while the bot still gets other work, explain says why, a resume dispatches them; a limit set for a key replaces
 * what its tasks state until it is given back. Keys with a '/' travel URL-encoded.
 */
@QuarkusTest
class KeyPolicyTest {

    private static final String POLICIES = "/api/v1/policies/concurrency-keys/";

    /** A request whose path is sent as written: the key in it is encoded here, once. */
    private static RequestSpecification raw() {
        return given().urlEncodingEnabled(false);
    }

    private static String path(String key, String action) {
        return POLICIES + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") + action;
    }

    private static String keyedTask(String type, String key, int max) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("type", type, "concurrency_key", key, "max_concurrency", max)).when()
                .post("/api/v1/tasks").then().statusCode(201).extract().path("id");
    }

    private static void complete(TestBot bot, String id) {
        bot.send("task_complete", Map.of("task_id", id, "attempt", 1, "success", true, "result", Map.of()));
    }

    /** Completes another test's task the bot was offered, at the attempt it was offered. */
    private static void completeOffered(TestBot bot, TestBot.Frame assigned) {
        bot.send("task_complete", Map.of("task_id", assigned.payload().get("task_id"), "attempt",
                assigned.payload().get("attempt"), "success", true, "result", Map.of()));
    }

    /**
     * The next of {@code ours} the bot is offered. Any bot takes untyped tasks, and other tests may leave some
     * pending: the bot completes those at once and reads on.
     */
    private static String nextOf(TestBot bot, Collection<String> ours) {
        while (true) {
            TestBot.Frame frame = bot.next();
            if (frame.type().equals("task_assigned")) {
                String id = (String) frame.payload().get("task_id");
                if (ours.contains(id)) {
                    return id;
                }
                completeOffered(bot, frame);
            }
        }
    }

    /** What the bot is offered of {@code ours} until it has been offered nothing for {@code quiet}. */
    private static List<String> offeredOf(TestBot bot, Collection<String> ours, Duration quiet) throws Exception {
        List<String> offered = new ArrayList<>();
        for (TestBot.Frame frame : bot.drain(quiet)) {
            if (frame.type().equals("task_assigned")) {
                String id = (String) frame.payload().get("task_id");
                if (ours.contains(id)) {
                    offered.add(id);
                } else {
                    completeOffered(bot, frame);
                }
            }
        }
        return offered;
    }

    @Test
    void a_paused_key_s_tasks_wait_in_their_order_and_run_once_it_is_resumed() throws Exception {
        String type = Fixtures.unique("key-paused");
        String key = "account/" + Fixtures.unique("acme") + " #1";
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("key-pause-bot"), type);

        JsonPath paused = raw().contentType(ContentType.JSON).body(Map.of("reason", "customer asked for a stop"))
                .when().post(path(key, "/pause")).then().statusCode(200).extract().jsonPath();
        assertThat(paused.getString("key")).isEqualTo(key);
        assertThat(paused.getBoolean("paused")).isTrue();
        assertThat(paused.getString("paused_by")).startsWith("key:");
        assertThat(paused.getLong("version")).isEqualTo(1);
        raw().when().post(path(key, "/pause")).then().statusCode(200)
                .body("pause_reason", equalTo("customer asked for a stop")).body("version", equalTo(1));

        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(keyedTask(type, key, 5));
        }
        try (TestBot bot = TestBot.connect(creds.token())) {
            String otherKey = keyedTask(type, Fixtures.unique("other"), 5);
            List<String> ours = new ArrayList<>(waiting);
            ours.add(otherKey);
            assertThat(nextOf(bot, ours)).isEqualTo(otherKey);
            complete(bot, otherKey);
            assertThat(offeredOf(bot, ours, Duration.ofMillis(1500))).as("offered while the key is paused").isEmpty();

            JsonPath explanation = given().when().get("/api/v1/tasks/" + waiting.getFirst() + "/explain").then()
                    .statusCode(200).extract().jsonPath();
            assertThat(explanation.getString("reasons[0].code")).isEqualTo("key_paused");
            assertThat(explanation.getString("reasons[0].message")).contains(key, "customer asked for a stop");
            raw().when().get(path(key, "")).then().statusCode(200).body("paused", equalTo(true));
            assertThat(given().when().get(POLICIES).then().statusCode(200).extract().jsonPath()
                    .<String>getList("key")).contains(key);

            JsonPath resumed = raw().when().post(path(key, "/resume")).then().statusCode(200).extract().jsonPath();
            assertThat(resumed.getBoolean("paused")).isFalse();
            assertThat(resumed.getString("paused_at")).isNull();

            List<String> ran = new ArrayList<>();
            for (int i = 0; i < waiting.size(); i++) {
                String id = nextOf(bot, waiting);
                ran.add(id);
                complete(bot, id);
            }
            assertThat(ran).as("the waiting tasks, in their order").isEqualTo(waiting);
        }
        raw().when().get(path(Fixtures.unique("never-set"), "")).then().statusCode(200)
                .body("paused", equalTo(false)).body("version", equalTo(0)).body("max_concurrency", nullValue());
    }

    @Test
    void a_key_s_limit_replaces_what_its_tasks_state_until_it_is_given_back() throws Exception {
        String type = Fixtures.unique("key-limit");
        String key = Fixtures.unique("repo:acme/app");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("key-limit-bot"), type);
        raw().contentType(ContentType.JSON).body(Map.of("max_concurrency", 1)).when().put(path(key, "/limit"))
                .then().statusCode(200).body("max_concurrency", equalTo(1)).body("paused", equalTo(false));
        try (TestBot bot = TestBot.connect(creds.token())) {
            bot.send("slots", Map.of("slots", 4));
            // Tasks of ours come after; anything offered before is another test's, completed at once.
            for (TestBot.Frame frame = bot.next(); !frame.type().equals("slots_ack"); frame = bot.next()) {
                if (frame.type().equals("task_assigned")) {
                    completeOffered(bot, frame);
                }
            }
            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                tasks.add(keyedTask(type, key, 5));
            }
            // The tasks are created while the dispatch runs: whichever is offered first, the others wait.
            String first = nextOf(bot, tasks);
            List<String> rest = tasks.stream().filter(id -> !id.equals(first)).toList();
            assertThat(offeredOf(bot, tasks, Duration.ofMillis(1000))).as("one at a time, though the tasks say 5")
                    .isEmpty();
            JsonPath explanation = given().when().get("/api/v1/tasks/" + rest.getFirst() + "/explain").then()
                    .statusCode(200).extract().jsonPath();
            assertThat(explanation.getString("reasons[0].code")).isEqualTo("at_concurrency_limit");
            assertThat(explanation.getString("reasons[0].message")).contains("limit of 1 (the key's policy)", first);
            assertThat(explanation.<String>getList("key_holders")).containsExactly(first);

            raw().when().delete(path(key, "/limit")).then().statusCode(200).body("max_concurrency", nullValue());
            List<String> next = List.of(nextOf(bot, rest), nextOf(bot, rest));
            assertThat(next).as("the tasks' own limit again").containsExactlyInAnyOrderElementsOf(rest);
            for (String id : tasks) {
                complete(bot, id);
            }
        }
    }

    @Test
    void bad_key_policy_requests_are_refused_with_a_problem_and_change_nothing() {
        String key = Fixtures.unique("bad-key-policy");
        for (Object body : List.of(Map.of(), Map.of("max_concurrency", 0), Map.of("max_concurrency", 100_001),
                Map.of("max_concurrency", "two"), Map.of("max_concurrency", 2, "unknown", true))) {
            raw().contentType(ContentType.JSON).body(body).when().put(path(key, "/limit")).then().statusCode(400)
                    .contentType("application/problem+json");
        }
        raw().contentType(ContentType.JSON).body("{\"max_concurrency\": ").when().put(path(key, "/limit")).then()
                .statusCode(400).contentType("application/problem+json");
        raw().contentType(ContentType.JSON).when().put(path(key, "/limit")).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("max_concurrency"));
        raw().contentType(ContentType.JSON).body(Map.of("reason", "x".repeat(501))).when().post(path(key, "/pause"))
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("reason"));
        raw().when().post(POLICIES + "a%00b/pause").then().statusCode(400).contentType("application/problem+json");
        raw().when().post(POLICIES + "a%07b/pause").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("key"));
        raw().when().post(path("k".repeat(201), "/pause")).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("key"));
        raw().when().post(POLICIES + "%20/resume").then().statusCode(400).contentType("application/problem+json");
        raw().when().get(path(key, "")).then().statusCode(200).body("version", equalTo(0));

        String submitter = Keys.issue("submitter");
        Keys.as(submitter).urlEncodingEnabled(false).when().post(path(key, "/pause")).then().statusCode(403)
                .contentType("application/problem+json");
        Keys.as(submitter).when().get(POLICIES).then().statusCode(403);
        String reader = Keys.issue("reader");
        Keys.as(reader).urlEncodingEnabled(false).when().delete(path(key, "/limit")).then().statusCode(403);
        Keys.as(reader).urlEncodingEnabled(false).when().get(path(key, "")).then().statusCode(200);
    }
}
