package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clawbot.coordinator.botclient.BotClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pausing and resuming a task type over the API, with bots connected: the type's tasks wait, in order, while the
 * bot's other capabilities still serve; explain says why; a resume dispatches them. And a pause racing a fleet at
 * work: once the pause has answered, no task of the type is offered until the resume.
 */
@QuarkusTest
class PauseTest {

    private static String createTask(String type) {
        return given().contentType(ContentType.JSON).body(Map.of("type", type)).when().post("/api/v1/tasks").then()
                .statusCode(201).extract().path("id");
    }

    private static JsonPath pause(String type, String reason) {
        return given().contentType(ContentType.JSON).body(Map.of("reason", reason)).when()
                .post("/api/v1/policies/task-types/" + type + "/pause").then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath resume(String type) {
        return given().when().post("/api/v1/policies/task-types/" + type + "/resume").then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void a_paused_type_s_tasks_wait_in_their_order_and_run_once_it_is_resumed() throws Exception {
        String type = Fixtures.unique("paused");
        String other = Fixtures.unique("other");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("pause-bot"), type, other);

        JsonPath paused = pause(type, "the upstream API is down");
        assertThat(paused.getBoolean("paused")).isTrue();
        assertThat(paused.getString("pause_reason")).isEqualTo("the upstream API is down");
        assertThat(paused.getString("paused_by")).startsWith("key:");
        assertThat(paused.getLong("version")).isEqualTo(1);
        // Pausing again changes nothing.
        given().contentType(ContentType.JSON).body(Map.of("reason", "another reason")).when()
                .post("/api/v1/policies/task-types/" + type + "/pause").then().statusCode(200)
                .body("pause_reason", equalTo("the upstream API is down")).body("version", equalTo(1));

        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(createTask(type));
        }
        try (TestBot bot = TestBot.connect(creds.token())) {
            // The bot's other capability still serves.
            String otherTask = createTask(other);
            var assigned = bot.next("task_assigned").payload();
            assertThat(assigned.get("task_id")).isEqualTo(otherTask);
            bot.send("task_complete", Map.of("task_id", otherTask, "attempt", 1, "success", true, "result", Map.of()));
            bot.next("task_ack");
            assertThat(bot.drain(Duration.ofMillis(1500))).as("frames while the type is paused")
                    .noneMatch(f -> f.type().equals("task_assigned"));

            JsonPath explanation = given().when().get("/api/v1/tasks/" + waiting.getFirst() + "/explain").then()
                    .statusCode(200).extract().jsonPath();
            assertThat(explanation.getString("reasons[0].code")).isEqualTo("paused");
            assertThat(explanation.getString("reasons[0].message")).contains(type, "the upstream API is down");
            given().when().get("/api/v1/policies/task-types/" + type).then().statusCode(200)
                    .body("paused", equalTo(true));
            assertThat(given().when().get("/api/v1/policies").then().statusCode(200).extract().jsonPath()
                    .<String>getList("type")).contains(type);

            JsonPath resumed = resume(type);
            assertThat(resumed.getBoolean("paused")).isFalse();
            assertThat(resumed.getString("paused_at")).isNull();
            assertThat(resumed.getLong("version")).isEqualTo(2);

            List<String> ran = new ArrayList<>();
            for (int i = 0; i < waiting.size(); i++) {
                String id = (String) bot.next("task_assigned").payload().get("task_id");
                ran.add(id);
                bot.send("task_complete", Map.of("task_id", id, "attempt", 1, "success", true, "result", Map.of()));
                bot.next("task_ack");
            }
            assertThat(ran).as("the waiting tasks, in their order").isEqualTo(waiting);
        }
        given().when().get("/api/v1/tasks/" + waiting.getLast() + "/explain").then().statusCode(200)
                .body("reasons[0].code", equalTo("ended"));
        given().when().get("/api/v1/policies/task-types/" + Fixtures.unique("never-set")).then().statusCode(200)
                .body("paused", equalTo(false)).body("version", equalTo(0));
    }

    /**
     * Four bots work through a type's tasks while it is paused and resumed again and again. Each time the pause
     * has answered, the type's assigned tasks are counted; they must not change until the resume. In the end every
     * task is completed once.
     */
    @Test
    void once_a_pause_has_answered_no_task_of_the_type_is_offered_until_the_resume() throws Exception {
        String type = Fixtures.unique("pause-race");
        int tasks = 600;
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            batch.add(Map.of("type", type, "payload", Map.of("i", i)));
        }
        given().contentType(ContentType.JSON).body(Map.of("tasks", batch)).when().post("/api/v1/tasks/batch")
                .then().statusCode(200);
        String taken = "select count(*) from task_events e join tasks t on t.id = e.task_id where t.type = '" + type
                + "' and e.to_status = 'assigned'";
        String completed = "select count(*) from tasks where type = '" + type + "' and status = 'completed'";

        List<BotClient> fleet = new ArrayList<>();
        try {
            for (int b = 0; b < 4; b++) {
                var creds = Fixtures.registerBotWithToken(Fixtures.unique("pause-race-bot"), type);
                BotClient client = BotClient.builder().uri(URI.create(TestBot.uri(null).toString()))
                        .token(creds.token()).slots(4).handler(task -> {
                            Thread.sleep(2);
                            return Map.of();
                        }).build();
                fleet.add(client);
                client.start().get(10, TimeUnit.SECONDS);
            }
            int rounds = 0;
            while (rounds < 12 && Database.count(taken) < tasks - 40) {
                pause(type, "round " + rounds);
                long atPause = Database.count(taken);
                Thread.sleep(300);
                assertThat(Database.count(taken)).as("round %d: assignments after the pause answered", rounds)
                        .isEqualTo(atPause);
                resume(type);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (Database.count(taken) < Math.min(tasks, atPause + 40) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(Database.count(taken)).as("round %d: assignments once resumed", rounds)
                        .isGreaterThanOrEqualTo(Math.min(tasks, atPause + 40));
                rounds++;
            }
            assertThat(rounds).as("rounds").isGreaterThanOrEqualTo(8);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (Database.count(completed) < tasks && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            fleet.forEach(BotClient::close);
        }
        assertThat(Database.count(completed)).as("completed tasks").isEqualTo(tasks);
        assertThat(Database.count("select count(*) from (select e.task_id from task_events e join tasks t "
                + "on t.id = e.task_id where t.type = '" + type + "' and e.to_status = 'completed' "
                + "group by e.task_id having count(*) <> 1) twice")).as("tasks not completed exactly once").isZero();
    }

    @Test
    void bad_pauses_are_refused_with_a_problem_and_change_nothing() {
        String type = Fixtures.unique("bad-pause");
        given().contentType(ContentType.JSON).body("{\"reason\": ").when()
                .post("/api/v1/policies/task-types/" + type + "/pause").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("reason", 42)).when()
                .post("/api/v1/policies/task-types/" + type + "/pause").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("reason", "x".repeat(501))).when()
                .post("/api/v1/policies/task-types/" + type + "/pause").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("reason"));
        given().contentType(ContentType.JSON).body(Map.of("reason", "a\u0000b")).when()
                .post("/api/v1/policies/task-types/" + type + "/pause").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("reason", "why", "unknown", true)).when()
                .post("/api/v1/policies/task-types/" + type + "/pause").then().statusCode(400)
                .contentType("application/problem+json");
        given().when().post("/api/v1/policies/task-types/bad%20name!/pause").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("type"));
        given().when().get("/api/v1/policies/task-types/" + type).then().statusCode(200)
                .body("paused", equalTo(false)).body("version", equalTo(0));

        String submitter = Keys.issue("submitter");
        Keys.as(submitter).when().post("/api/v1/policies/task-types/" + type + "/pause").then().statusCode(403)
                .contentType("application/problem+json");
        Keys.as(submitter).when().get("/api/v1/policies").then().statusCode(403);
        String reader = Keys.issue("reader");
        Keys.as(reader).when().post("/api/v1/policies/task-types/" + type + "/resume").then().statusCode(403);
        Keys.as(reader).when().get("/api/v1/policies/task-types/" + type).then().statusCode(200);
        String operator = Keys.issue("operator");
        Keys.as(operator).when().post("/api/v1/policies/task-types/" + type + "/pause").then().statusCode(200)
                .body("paused", equalTo(true));
        Keys.as(operator).when().post("/api/v1/policies/task-types/" + type + "/resume").then().statusCode(200)
                .body("paused", equalTo(false));
    }
}
