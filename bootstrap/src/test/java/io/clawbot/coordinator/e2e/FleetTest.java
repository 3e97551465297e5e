package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.botclient.BotClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A fleet of real bots (the worker SDK over real WebSockets) working through a mixed backlog: every task is
 * completed exactly once, by a bot that has its capability, and never after a lower-priority task of the
 * same type while it was waiting.
 */
@QuarkusTest
class FleetTest {

    static final int TASKS = 1000;

    record Done(String taskId, int attempt, String bot) {
    }

    @Test
    void ten_bots_complete_a_thousand_mixed_tasks_exactly_once_by_capability_and_priority() throws Exception {
        String run = Fixtures.unique("fleet");
        String[] types = { run + "-build", run + "-test", run + "-deploy", run + "-lint" };
        // Capability sets and slots differ; every type has at least two bots.
        String[][] capabilities = {
                { types[0] }, { types[0], types[1] }, { types[1] }, { types[1], types[2] }, { types[2] },
                { types[2], types[3] }, { types[3] }, { types[0], types[3] }, { types[0], types[1], types[2] },
                { types[3], types[1] } };
        int[] slots = { 1, 2, 3, 1, 4, 2, 1, 3, 2, 1 };

        Random random = new Random(42);
        List<String> ids = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            String type = types[random.nextInt(types.length)];
            int priority = random.nextInt(5) * 10;
            ids.add(given().contentType(ContentType.JSON)
                    .body("{\"type\": \"" + type + "\", \"priority\": " + priority + ", \"payload\": {\"i\": " + i
                            + "}}")
                    .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id"));
        }

        ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
        Map<String, String> botIds = new ConcurrentHashMap<>();
        List<BotClient> fleet = new ArrayList<>();
        try {
            for (int b = 0; b < capabilities.length; b++) {
                String name = run + "-bot-" + b;
                var creds = Fixtures.registerBotWithToken(name, capabilities[b]);
                botIds.put(creds.id(), name);
                BotClient client = BotClient.builder()
                        .uri(URI.create(TestBot.uri(null).toString()))
                        .token(creds.token())
                        .slots(slots[b])
                        .handler(task -> {
                            done.add(new Done(task.taskId(), task.attempt(), name));
                            return Map.of("by", name);
                        })
                        .build();
                fleet.add(client);
                client.start().get(10, TimeUnit.SECONDS);
            }

            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (Database.count(
                    "select count(*) from tasks where type like '" + run + "-%' and status = 'completed'") < TASKS
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        } finally {
            fleet.forEach(BotClient::close);
        }

        String mine = "t.type like '" + run + "-%'";
        assertThat(Database.count("select count(*) from tasks t where " + mine + " and t.status = 'completed'"))
                .as("completed tasks").isEqualTo(TASKS);
        assertThat(Database.count("select count(*) from (select e.task_id from task_events e join tasks t "
                + "on t.id = e.task_id where " + mine + " and e.to_status = 'completed' group by e.task_id "
                + "having count(*) <> 1) twice")).as("tasks not completed exactly once").isZero();
        assertThat(done.stream().map(Done::taskId).distinct().count()).as("tasks the bots ran").isEqualTo(TASKS);
        assertThat(Database.count("select count(*) from tasks t join bots b on b.id = t.bot_id where " + mine
                + " and not (t.type = any(b.capabilities))")).as("tasks done by a bot without the capability")
                .isZero();
        // A higher-priority task of a type was never assigned (noticeably) after a lower-priority one of the
        // same type: all were pending from the start. The tolerance covers claims running in parallel.
        // Only this run's tasks are read (and their first assignment computed once), so the check stays a
        // small query however many rows earlier tests left in the database.
        assertThat(Database.count("with mine as materialized (select t.id, t.type, t.priority, "
                + "min(e.occurred_at) as at from tasks t join task_events e on e.task_id = t.id "
                + "and e.to_status = 'assigned' where t.type like '" + run + "-%' group by t.id) "
                + "select count(*) from mine hi join mine lo on lo.type = hi.type and lo.priority < hi.priority "
                + "where hi.at > lo.at + interval '250 milliseconds'"))
                .as("priority inversions").isZero();
        assertThat(ids).hasSize(TASKS);
        assertThat(botIds).hasSize(10);
    }
}
