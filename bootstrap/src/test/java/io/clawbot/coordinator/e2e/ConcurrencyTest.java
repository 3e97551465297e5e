package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Racing requests on one task: each effect happens exactly once, whatever the interleaving. */
@QuarkusTest
class ConcurrencyTest {

    static final int RACERS = 16;

    @Test
    void racing_duplicate_completions_complete_the_task_once_and_all_get_the_same_answer() throws Exception {
        String type = Fixtures.unique("race");
        String bot = Fixtures.registerBot(Fixtures.unique("racer"), type);
        String task = Fixtures.createTask(type, 0);
        Fixtures.assign(task, bot);

        List<Integer> statuses = race(i -> given().contentType(ContentType.JSON)
                .body("{\"attempt\": 1, \"result\": {\"by\": " + i + "}}")
                .when().post("/api/v1/tasks/" + task + "/complete")
                .then().extract().statusCode());

        assertThat(statuses).containsOnly(200);
        assertThat(Database.count("select count(*) from task_events where task_id = '" + task
                + "' and to_status = 'completed'")).isEqualTo(1);
        Object stored = Database.rows("select result->>'by' from tasks where id = '" + task + "'").getFirst()
                .getFirst();
        List<Object> answers = race(i -> given().contentType(ContentType.JSON).body("{\"attempt\": 1}")
                .when().post("/api/v1/tasks/" + task + "/complete")
                .then().statusCode(200).extract().path("result.by").toString());
        assertThat(answers).containsOnly(stored);
    }

    @Test
    void racing_assignments_to_different_bots_give_the_task_to_exactly_one() throws Exception {
        String type = Fixtures.unique("contested");
        String task = Fixtures.createTask(type, 0);
        List<String> bots = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            bots.add(Fixtures.registerBot(Fixtures.unique("contender"), type));
        }

        List<Integer> statuses = race(i -> given().contentType(ContentType.JSON)
                .body("{\"bot_id\": \"" + bots.get(i) + "\"}")
                .when().post("/api/v1/tasks/" + task + "/assign")
                .then().extract().statusCode());

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s != 200).containsOnly(409);
        assertThat(Database.count("select count(*) from task_events where task_id = '" + task
                + "' and to_status = 'assigned'")).isEqualTo(1);
        assertThat(Database.count("select attempt from tasks where id = '" + task + "'")).isEqualTo(1);
    }

    private interface Racer<T> {
        T run(int index);
    }

    private static <T> List<T> race(Racer<T> racer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            List<Callable<T>> calls = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                int index = i;
                calls.add(() -> racer.run(index));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(calls)) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
