package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.adapters.persistence.redis.ReplicaName;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The status summary against a state this class made itself on an empty database, and the explanation of a task
 * for each reason. One test, as the figures count everything in the database.
 */
@QuarkusTest
@TestProfile(KnownState.class)
class StatusAndExplainTest {

    @Inject
    ReplicaName name;

    private static String task(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/tasks").then().statusCode(201)
                .extract().path("id");
    }

    private static JsonPath explain(String task) {
        return given().when().get("/api/v1/tasks/" + task + "/explain").then().statusCode(200).extract().jsonPath();
    }

    private static List<String> codes(JsonPath explanation) {
        return explanation.getList("reasons.code");
    }

    /** Runs the next task given to the bot: completes it, or fails it for good. */
    private static void run(TestBot bot, boolean success) {
        Map<String, Object> assigned = bot.next("task_assigned").payload();
        Object id = assigned.get("task_id");
        bot.send("task_accepted", Map.of("task_id", id, "attempt", 1));
        bot.next("task_ack");
        bot.send("task_complete", success
                ? Map.of("task_id", id, "attempt", 1, "success", true, "result", Map.of())
                : Map.of("task_id", id, "attempt", 1, "success", false, "error", "broken"));
        bot.next("task_ack");
    }

    private static JsonPath status() throws InterruptedException {
        Thread.sleep(1100); // the summary is read at most once a second
        return given().when().get("/api/v1/status").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void the_status_counts_what_was_made_and_explain_gives_each_reason() throws Exception {
        Fixtures.registerBotWithToken("render-bot", "render");
        String render1 = task(Map.of("type", "render", "priority", 1));
        task(Map.of("type", "render", "priority", 1));
        String delayed = task(Map.of("type", "render", "priority", 1, "delay_seconds", 600));
        String nobody = task(Map.of("type", "nobody"));
        String workflow = given().contentType(ContentType.JSON)
                .body(Map.of("definition", Map.of("name", "pair", "steps", List.of(
                        Map.of("id", "first", "type", "render"),
                        Map.of("id", "second", "type", "render", "depends_on", List.of("first"))))))
                .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");
        String second = given().when().get("/api/v1/workflows/" + workflow).then().statusCode(200).extract()
                .path("task_ids[1]");

        var worker = Fixtures.registerBotWithToken("worker", "ok", "fail", "hold");
        TestBot bot = TestBot.connect(worker.token());
        task(Map.of("type", "ok"));
        run(bot, true);
        task(Map.of("type", "fail", "retry", Map.of("max_attempts", 1)));
        run(bot, false);
        // The worker's one slot taken: a task it holds, and one more waiting for it.
        task(Map.of("type", "hold"));
        bot.next("task_assigned");
        String queued = task(Map.of("type", "hold"));

        // A bot online by its HTTP heartbeat, with a free slot, and two tasks for it.
        var idle = Fixtures.registerBotWithToken("idle-bot", "idle");
        given().header("Authorization", "Bearer " + idle.token()).when()
                .post("/api/v1/bots/" + idle.id() + "/heartbeat").then().statusCode(200);
        String first = task(Map.of("type", "idle", "priority", 5));
        String behind = task(Map.of("type", "idle", "priority", 1));

        JsonPath s = status();
        assertThat(s.getLong("tasks.pending")).isEqualTo(8);
        assertThat(s.getLong("tasks.delayed")).isEqualTo(1);
        assertThat(s.getLong("tasks.ready")).isEqualTo(7);
        assertThat(s.getLong("tasks.waiting")).isEqualTo(1);
        assertThat(s.getLong("tasks.assigned")).isEqualTo(1);
        assertThat(s.getLong("tasks.in_progress")).isZero();
        assertThat(s.getLong("tasks.dead_letters")).isEqualTo(1);
        assertThat(s.getLong("tasks.completed_last_minute")).isEqualTo(1);
        assertThat(s.getDouble("tasks.oldest_ready_age_seconds")).isGreaterThan(1.0);
        List<Map<String, Object>> groups = s.getList("tasks.pending_by_type");
        assertThat(groups).extracting(g -> g.get("type") + "/" + g.get("priority") + "=" + g.get("ready") + "+"
                + g.get("delayed")).containsExactly("idle/5=1+0", "idle/1=1+0", "render/1=2+1", "hold/0=1+0",
                        "nobody/0=1+0", "render/0=1+0");
        // The idle bot online by heartbeat, the worker busy with its one slot taken, the render bot offline.
        assertThat(s.getLong("bots.online")).isEqualTo(1);
        assertThat(s.getLong("bots.busy")).isEqualTo(1);
        assertThat(s.getLong("bots.offline")).isEqualTo(1);
        assertThat(s.getLong("bots.slots")).isEqualTo(2);
        assertThat(s.getLong("bots.slots_used")).isEqualTo(1);
        assertThat(s.getLong("bots.slots_free")).isEqualTo(1);

        // The census: this replica reports its connections every 5 s (a replica of an earlier test class may
        // still be listed for a few seconds after it stopped).
        String self = "replicas.find { it.name == '" + name.value() + "' }.connections";
        long deadline = System.nanoTime() + 15_000_000_000L;
        JsonPath census = s;
        while (!Integer.valueOf(1).equals(census.get(self)) && System.nanoTime() < deadline) {
            census = status();
        }
        assertThat(census.<Integer>get(self)).isEqualTo(1);

        assertThat(codes(explain(render1))).containsExactly("no_bot_connected");
        assertThat(explain(render1).getLong("capacity.registered")).isEqualTo(1);
        assertThat(codes(explain(delayed))).containsExactly("delayed", "no_bot_connected");
        assertThat(codes(explain(nobody))).containsExactly("no_bot_registered");
        JsonPath waiting = explain(second);
        assertThat(codes(waiting)).containsExactly("waiting_for_steps");
        assertThat(waiting.getList("waiting_for")).containsExactly("first");
        JsonPath busy = explain(queued);
        assertThat(codes(busy)).containsExactly("all_busy");
        assertThat(busy.getLong("capacity.slots_used")).isEqualTo(1);
        assertThat(busy.getLong("capacity.slots_free")).isZero();
        assertThat(codes(explain(first))).containsExactly("about_to_be_dispatched");
        JsonPath back = explain(behind);
        assertThat(codes(back)).containsExactly("behind_other_tasks");
        assertThat(back.getLong("ahead")).isEqualTo(1);
        String held = given().when().get("/api/v1/tasks?type=hold&status=assigned").then().statusCode(200).extract()
                .path("[0].id");
        assertThat(codes(explain(held))).containsExactly("assigned");
        String done = given().when().get("/api/v1/tasks?type=ok").then().statusCode(200).extract().path("[0].id");
        assertThat(codes(explain(done))).containsExactly("ended");
        bot.close();

        // An unchanged status answers 304 to its tag. The bot's close is still being handled (it goes offline, its
        // task is kept for the reconnect grace), so the status may change between two reads: the tag of the
        // newest read is tried again until two reads agree.
        int answer = 0;
        for (int read = 0; read < 20 && answer != 304; read++) {
            String tag = given().when().get("/api/v1/status").then().statusCode(200).extract().header("ETag");
            answer = given().header("If-None-Match", tag).when().get("/api/v1/status").then().extract().statusCode();
            assertThat(answer).isIn(200, 304);
        }
        assertThat(answer).isEqualTo(304);
    }
}
