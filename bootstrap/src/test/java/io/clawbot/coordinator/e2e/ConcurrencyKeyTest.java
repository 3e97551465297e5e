package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.clawbot.coordinator.botclient.BotClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Concurrency keys end to end: a fleet of SDK bots races over the tasks of two keys and of none, and the history
 * shows that no key ever had more tasks held than its limit; explain names the tasks that hold a full key; bad
 * keys and limits are refused with a problem.
 */
@QuarkusTest
class ConcurrencyKeyTest {

    /**
     * The most tasks of each key that bots held at once, from the history in the order it was written. A release
     * that frees a slot commits before the claim that takes the slot reads the key's count, so its entry has the
     * smaller id: the sweep never counts an overshoot that did not happen, and it counts every one that did.
     */
    private static Map<String, Integer> peaks(String type) {
        Map<String, Integer> held = new HashMap<>();
        Map<String, Integer> peak = new HashMap<>();
        for (List<Object> row : Database.rows("select t.concurrency_key, e.from_status, e.to_status from task_events e "
                + "join tasks t on t.id = e.task_id where t.type = '" + type + "' and t.concurrency_key is not null "
                + "order by e.id")) {
            String key = (String) row.get(0);
            boolean wasHeld = isHeld((String) row.get(1));
            boolean isHeld = isHeld((String) row.get(2));
            if (wasHeld != isHeld) {
                int now = held.merge(key, isHeld ? 1 : -1, Integer::sum);
                peak.merge(key, now, Math::max);
            }
        }
        return peak;
    }

    private static boolean isHeld(String status) {
        return "assigned".equals(status) || "in_progress".equals(status);
    }

    private static Map<String, Object> task(String type, String tenant, int i, Integer max) {
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("type", type);
        task.put("payload", Map.of("tenant", tenant, "i", i));
        if (max != null) {
            task.put("concurrency_key", "tenant:${payload.tenant}");
            task.put("max_concurrency", max);
        }
        return task;
    }

    /**
     * Thirty bots of two slots each take 300 tasks of a key limited to 5, 60 of a key limited to 2 and 60 without
     * a key, all ready at once. No key is ever over its limit, each reaches it, and every task completes once. One
     * replica's dispatch rounds claim one after another; claims that race each other are the store contract's
     * ({@code bots_claiming_one_key_at_once_never_hold_more_of_it_than_its_limit}) and the scale-out check's keyed
     * race across three replicas.
     */
    @Test
    void thirty_bots_racing_over_a_key_never_hold_more_of_it_than_its_limit() throws Exception {
        String type = Fixtures.unique("keyed");
        String wide = Fixtures.unique("wide");
        String narrow = Fixtures.unique("narrow");
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            tasks.add(task(type, wide, i, 5));
            if (i % 5 == 0) {
                tasks.add(task(type, narrow, i, 2));
                tasks.add(task(type, "none", i, null));
            }
        }
        given().contentType(ContentType.JSON).body(Map.of("tasks", tasks)).when().post("/api/v1/tasks/batch")
                .then().statusCode(200).body("created", equalTo(tasks.size()));
        String completed = "select count(*) from tasks where type = '" + type + "' and status = 'completed'";

        List<BotClient> fleet = new ArrayList<>();
        try {
            for (int b = 0; b < 30; b++) {
                var creds = Fixtures.registerBotWithToken(Fixtures.unique("keyed-bot"), type);
                BotClient client = BotClient.builder().uri(URI.create(TestBot.uri(null).toString()))
                        .token(creds.token()).slots(2).handler(task -> {
                            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 6));
                            return Map.of();
                        }).build();
                fleet.add(client);
                client.start().get(10, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (Database.count(completed) < tasks.size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            fleet.forEach(BotClient::close);
        }
        assertThat(Database.count(completed)).as("completed tasks").isEqualTo(tasks.size());
        assertThat(Database.count("select count(*) from (select e.task_id from task_events e join tasks t "
                + "on t.id = e.task_id where t.type = '" + type + "' and e.to_status = 'completed' "
                + "group by e.task_id having count(*) <> 1) twice")).as("tasks not completed exactly once").isZero();
        assertThat(peaks(type)).as("the most tasks of each key held at once")
                .isEqualTo(Map.of("tenant:" + wide, 5, "tenant:" + narrow, 2));
        assertThat(Database.count("select count(*) from concurrency_keys where key in ('tenant:" + wide
                + "', 'tenant:" + narrow + "') and held = 0")).as("keys whose count is back to 0").isEqualTo(2);
    }

    @Test
    void a_task_behind_a_full_key_waits_and_explain_names_the_tasks_holding_it() throws Exception {
        String type = Fixtures.unique("keyed-explain");
        String key = Fixtures.unique("account");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("keyed-explain-bot"), type);
        Map<String, Object> body = Map.of("type", type, "concurrency_key", key, "max_concurrency", 1);
        String first = given().contentType(ContentType.JSON).body(body).when().post("/api/v1/tasks").then()
                .statusCode(201).body("concurrency_key", equalTo(key)).body("max_concurrency", equalTo(1)).extract()
                .path("id");
        String second = given().contentType(ContentType.JSON).body(body).when().post("/api/v1/tasks").then()
                .statusCode(201).extract().path("id");
        String unkeyed = given().contentType(ContentType.JSON).body(Map.of("type", type)).when()
                .post("/api/v1/tasks").then().statusCode(201).body("concurrency_key", nullValue()).extract()
                .path("id");
        try (TestBot bot = TestBot.connect(creds.token())) {
            assertThat(bot.next("task_assigned").payload().get("task_id")).isEqualTo(first);
            // Given room for more, the bot gets the task without a key; the second keyed one waits.
            bot.send("slots", Map.of("slots", 3));
            List<TestBot.Frame> frames = List.of(bot.next(), bot.next());
            assertThat(frames).extracting(TestBot.Frame::type).containsExactlyInAnyOrder("slots_ack",
                    "task_assigned");
            assertThat(frames).filteredOn(f -> f.type().equals("task_assigned"))
                    .extracting(f -> f.payload().get("task_id")).containsExactly(unkeyed);
            assertThat(bot.drain(Duration.ofMillis(1200))).as("frames while the key is full")
                    .noneMatch(f -> f.type().equals("task_assigned"));

            JsonPath explanation = given().when().get("/api/v1/tasks/" + second + "/explain").then()
                    .statusCode(200).extract().jsonPath();
            assertThat(explanation.getString("reasons[0].code")).isEqualTo("at_concurrency_limit");
            assertThat(explanation.getString("reasons[0].message")).contains(key, first);
            assertThat(explanation.<String>getList("key_holders")).containsExactly(first);

            bot.send("task_complete", Map.of("task_id", first, "attempt", 1, "success", true, "result", Map.of()));
            bot.next("task_ack");
            assertThat(bot.next("task_assigned").payload().get("task_id")).as("the task the key let through")
                    .isEqualTo(second);
        }
    }

    @Test
    void bad_keys_and_limits_are_refused_with_a_problem_and_create_nothing() {
        String type = Fixtures.unique("bad-key");
        List<Map<String, Object>> bad = List.of(Map.of("type", type, "concurrency_key", "k"),
                Map.of("type", type, "max_concurrency", 3), Map.of("type", type, "concurrency_key", "k",
                        "max_concurrency", 0),
                Map.of("type", type, "concurrency_key", "k", "max_concurrency", 100_001),
                Map.of("type", type, "concurrency_key", "k", "max_concurrency", "five"),
                Map.of("type", type, "concurrency_key", "k".repeat(201), "max_concurrency", 1),
                Map.of("type", type, "concurrency_key", " ", "max_concurrency", 1),
                Map.of("type", type, "concurrency_key", "c:${payload.missing}", "max_concurrency", 1),
                Map.of("type", type, "concurrency_key", "c:${payload.nested}", "max_concurrency", 1, "payload",
                        Map.of("nested", Map.of("a", 1))),
                Map.of("type", type, "concurrency_key", "c:${env.HOME}", "max_concurrency", 1),
                Map.of("type", type, "concurrency_key", List.of("k"), "max_concurrency", 1),
                Map.of("type", type, "concurrency_key", "a\u0000b", "max_concurrency", 1));
        for (Map<String, Object> body : bad) {
            given().contentType(ContentType.JSON).body(body).when().post("/api/v1/tasks").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        given().contentType(ContentType.JSON).body(Map.of("type", type, "concurrency_key", "c:${payload.missing}",
                "max_concurrency", 1)).when().post("/api/v1/tasks").then().statusCode(400)
                .body("field", equalTo("concurrency_key"));
        given().contentType(ContentType.JSON).body(Map.of("type", type, "concurrency_key", "k")).when()
                .post("/api/v1/tasks").then().statusCode(400).body("field", equalTo("max_concurrency"));
        // In a batch, the bad item is reported and the good one created.
        given().contentType(ContentType.JSON).body(Map.of("tasks", List.of(Map.of("type", type, "concurrency_key",
                "c:${payload.missing}", "max_concurrency", 1),
                Map.of("type", "good-" + type, "concurrency_key",
                        "c:${payload.c}", "max_concurrency", 1, "payload", Map.of("c", 7)))))
                .when()
                .post("/api/v1/tasks/batch").then().statusCode(200).body("created", equalTo(1))
                .body("items[0].status", equalTo(400))
                .body("items[0].problem.field", equalTo("tasks[0].concurrency_key"))
                .body("items[1].status", equalTo(201));
        assertThat(Database.count("select count(*) from tasks where type = '" + type + "'")).isZero();
        assertThat(Database.count("select count(*) from tasks where type = 'good-" + type
                + "' and concurrency_key = 'c:7' and max_concurrency = 1")).isEqualTo(1);
    }
}
