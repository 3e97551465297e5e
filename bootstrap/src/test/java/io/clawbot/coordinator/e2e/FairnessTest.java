package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clawbot.coordinator.botclient.BotClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fair share end to end: eight SDK bots work through the backlogs of two fairness keys of weights 3 and 1, the
 * heavy key's tasks all created first; a third key arrives while they work. The completions, in the order the
 * history recorded them, are cut into windows of 400.
 */
@QuarkusTest
class FairnessTest {

    private static final int WINDOW = 400;

    private static void create(String type, String tenant, int weight, int count) {
        for (int from = 0; from < count; from += 1000) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 1000); i++) {
                Map<String, Object> task = new LinkedHashMap<>();
                task.put("type", type);
                task.put("payload", Map.of("tenant", tenant, "i", i));
                task.put("fairness_key", "tenant:${payload.tenant}");
                task.put("fairness_weight", weight);
                batch.add(task);
            }
            given().contentType(ContentType.JSON).body(Map.of("tasks", batch)).when().post("/api/v1/tasks/batch")
                    .then().statusCode(200).body("created", equalTo(batch.size()));
        }
    }

    /** The fairness keys of the type's completed tasks, in the order their completions were written. */
    private static List<String> completions(String type) {
        return Database.rows("select t.fairness_key from task_events e join tasks t on t.id = e.task_id where "
                + "t.type = '" + type + "' and e.to_status = 'completed' order by e.id").stream()
                .map(row -> (String) row.getFirst()).toList();
    }

    private static long count(List<String> keys, String key) {
        return keys.stream().filter(key::equals).count();
    }

    /**
     * 15,000 tasks of a key of weight 3, then 5,000 of a key of weight 1; after 6,000 completions, 2,000 of a
     * third key of weight 1. Shares are 3:1 (then 3:1:1), so the keys run out together. In every window of 400
     * completions the heavy key's share of the two is within 10 % of 3/4; the late key's first task is dispatched
     * at once and from its first window on it gets its fifth.
     */
    @Test
    void two_keys_of_weights_3_and_1_are_served_3_to_1_and_a_late_key_gets_its_share_at_once() throws Exception {
        String type = Fixtures.unique("fair");
        String heavy = "tenant:heavy";
        String light = "tenant:light";
        String late = "tenant:late";
        create(type, "heavy", 3, 15_000);
        create(type, "light", 1, 5_000);
        String completed = "select count(*) from tasks where type = '" + type + "' and status = 'completed'";

        List<BotClient> fleet = new ArrayList<>();
        try {
            for (int b = 0; b < 8; b++) {
                var creds = Fixtures.registerBotWithToken(Fixtures.unique("fair-bot"), type);
                // A run that ends within the delay is accepted by its completion: one frame per task.
                BotClient client = BotClient.builder().uri(URI.create(TestBot.uri(null).toString()))
                        .token(creds.token()).slots(4).acceptDelay(Duration.ofMillis(200)).handler(task -> Map.of())
                        .build();
                fleet.add(client);
                client.start().get(10, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (Database.count(completed) < 6_000 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            create(type, "late", 1, 2_000);
            deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (Database.count(completed) < 22_000 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            fleet.forEach(BotClient::close);
        }
        List<String> order = completions(type);
        assertThat(order).as("completions").hasSize(22_000);

        int firstLate = order.indexOf(late);
        // The completions written before the late key's first task was: the bots hold 32 tasks at most, so its
        // first task, taken at once, completes within about that many more.
        long before = Database.count("select count(*) from task_events e join tasks t on t.id = e.task_id where "
                + "t.type = '" + type + "' and e.to_status = 'completed' and e.id < (select min(c.id) from "
                + "task_events c join tasks l on l.id = c.task_id where l.type = '" + type + "' and l.fairness_key = '"
                + late + "')");
        assertThat(firstLate - before).as("completions between the late key's creation and its first").isBetween(0L,
                64L);
        int lastWindowStart = order.size() - WINDOW;
        List<String> unfair = new ArrayList<>();
        for (int from = 0; from <= lastWindowStart; from += WINDOW / 4) {
            List<String> window = order.subList(from, from + WINDOW);
            double heavyShare = (double) count(window, heavy) / (count(window, heavy) + count(window, light));
            if (heavyShare < 0.75 * 0.9 || heavyShare > 0.75 * 1.1) {
                unfair.add("window from " + from + ": heavy " + count(window, heavy) + ", light "
                        + count(window, light));
            }
            if (from >= firstLate && count(order.subList(from, order.size()), late) >= WINDOW / 5) {
                double lateShare = (double) count(window, late) / WINDOW;
                if (lateShare < 0.2 * 0.9 || lateShare > 0.2 * 1.1) {
                    unfair.add("window from " + from + ": late " + count(window, late) + " of " + WINDOW);
                }
            }
        }
        assertThat(unfair).as("windows of %d completions off their shares by more than 10 %%", WINDOW).isEmpty();
    }

    @Test
    void bad_fairness_keys_and_weights_are_refused_with_a_problem_and_create_nothing() {
        String type = Fixtures.unique("bad-fair");
        List<Map<String, Object>> bad = List.of(Map.of("type", type, "fairness_weight", 2),
                Map.of("type", type, "fairness_key", "k", "fairness_weight", 0),
                Map.of("type", type, "fairness_key", "k", "fairness_weight", 1001),
                Map.of("type", type, "fairness_key", "k", "fairness_weight", "three"),
                Map.of("type", type, "fairness_key", "k".repeat(201)),
                Map.of("type", type, "fairness_key", " "),
                Map.of("type", type, "fairness_key", "t:${payload.missing}"),
                Map.of("type", type, "fairness_key", 42));
        for (Map<String, Object> body : bad) {
            given().contentType(ContentType.JSON).body(body).when().post("/api/v1/tasks").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        given().contentType(ContentType.JSON).body(Map.of("type", type, "fairness_weight", 2)).when()
                .post("/api/v1/tasks").then().statusCode(400).body("field", equalTo("fairness_key"));
        given().contentType(ContentType.JSON).body(Map.of("type", type, "fairness_key", "k", "fairness_weight", 0))
                .when().post("/api/v1/tasks").then().statusCode(400).body("field", equalTo("fairness_weight"));
        assertThat(Database.count("select count(*) from tasks where type = '" + type + "'")).isZero();

        given().contentType(ContentType.JSON).body(Map.of("type", type, "fairness_key", "t:${payload.t}",
                "payload", Map.of("t", "acme"))).when().post("/api/v1/tasks").then().statusCode(201)
                .body("fairness_key", equalTo("t:acme")).body("fairness_weight", equalTo(1));
    }
}
