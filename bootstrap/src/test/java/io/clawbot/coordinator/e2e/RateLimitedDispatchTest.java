package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clawbot.coordinator.botclient.BotClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Rate limit keys with bots at work over WebSockets and no dispatch tick: a key's tasks go out at its rate, woken
 * by the claims that empty its bucket rather than by a tick; explain says when the next may go; bad limits get a
 * 400 naming the field.
 */
@QuarkusTest
@TestProfile(NoDispatchTick.class)
class RateLimitedDispatchTest {

    @Test
    void a_rate_key_s_tasks_go_out_at_its_rate_and_explain_says_when_the_next_may() throws Exception {
        String type = Fixtures.unique("rated");
        String key = "api:" + Fixtures.unique("acme");
        int tasks = 40;
        double rate = 10;
        int burst = 2;
        List<BotClient> fleet = new ArrayList<>();
        try {
            for (int b = 0; b < 2; b++) {
                var creds = Fixtures.registerBotWithToken(Fixtures.unique("rated-bot"), type);
                BotClient client = BotClient.builder().uri(URI.create(TestBot.uri(null).toString()))
                        .token(creds.token()).slots(4).handler(task -> Map.of()).build();
                fleet.add(client);
                client.start().get(10, TimeUnit.SECONDS);
            }
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                Map<String, Object> item = new HashMap<>(Map.of("type", type, "payload", Map.of("account", key)));
                item.putAll(Map.of("rate_limit_key", "${payload.account}", "rate_per_second", rate, "rate_burst",
                        burst));
                batch.add(item);
            }
            List<String> ids = given().contentType(ContentType.JSON).body(Map.of("tasks", batch)).when()
                    .post("/api/v1/tasks/batch").then().statusCode(200).extract().jsonPath()
                    .getList("items.id");
            given().when().get("/api/v1/tasks/" + ids.getFirst()).then().statusCode(200)
                    .body("rate_limit_key", equalTo(key)).body("rate_per_second", equalTo(10.0f))
                    .body("rate_burst", equalTo(burst));

            JsonPath explained = null;
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                explained = given().when().get("/api/v1/tasks/" + ids.getLast() + "/explain").then().statusCode(200)
                        .extract().jsonPath();
                if (explained.<String>getList("reasons.code").contains("rate_limited")) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(explained.<String>getList("reasons.code")).as("explain while the key's bucket is empty")
                    .contains("rate_limited");
            assertThat(explained.getString("rate_limited_until")).isNotNull();

            String done = "select count(*) from tasks where type = '" + type + "' and status = 'completed'";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (Database.count(done) < tasks && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Database.count(done)).as("completed, with no tick to wake the dispatch").isEqualTo(tasks);
        } finally {
            fleet.forEach(BotClient::close);
        }
        List<OffsetDateTime> sent = Database.rows("select e.occurred_at from task_events e join tasks t on t.id = "
                + "e.task_id where t.type = '" + type + "' and e.to_status = 'assigned' order by e.occurred_at")
                .stream().map(row -> (OffsetDateTime) row.getFirst()).toList();
        assertThat(sent).hasSize(tasks);
        // The history's times are the service's, taken as each claim was sent; the bucket's are the database's,
        // as the claim ran: 100 ms allows for a claim that waited for a connection.
        for (int i = 0; i < sent.size(); i++) {
            for (int j = i; j < sent.size(); j++) {
                double seconds = Duration.between(sent.get(i), sent.get(j)).toNanos() / 1e9 + 0.1;
                assertThat(j - i + 1).as("dispatches from %s to %s", sent.get(i), sent.get(j))
                        .isLessThanOrEqualTo((int) Math.floor(burst + seconds * rate));
            }
        }
        double spread = Duration.between(sent.getFirst(), sent.getLast()).toNanos() / 1e9;
        assertThat(spread).as("seconds from the first dispatch to the last")
                .isGreaterThan((tasks - burst) / rate - 0.1);
    }

    @Test
    void bad_rate_limits_are_refused_with_a_problem_naming_the_field() {
        record Case(Map<String, Object> fields, String field) {
        }
        for (Case c : List.of(new Case(Map.of("rate_per_second", 2), "rate_limit_key"),
                new Case(Map.of("rate_burst", 2), "rate_limit_key"),
                new Case(Map.of("rate_limit_key", "api"), "rate_per_second"),
                new Case(Map.of("rate_limit_key", "api", "rate_per_second", 0), "rate_per_second"),
                new Case(Map.of("rate_limit_key", "api", "rate_per_second", 100_001), "rate_per_second"),
                new Case(Map.of("rate_limit_key", "api", "rate_per_second", 5, "rate_burst", 0), "rate_burst"),
                new Case(Map.of("rate_limit_key", " ", "rate_per_second", 5), "rate_limit_key"),
                new Case(Map.of("rate_limit_key", "api:${payload.missing}", "rate_per_second", 5),
                        "rate_limit_key"))) {
            Map<String, Object> body = new HashMap<>(c.fields());
            body.put("type", "rated-bad");
            given().contentType(ContentType.JSON).body(body).when().post("/api/v1/tasks").then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo(c.field()));
        }
        given().contentType(ContentType.JSON)
                .body("{\"type\": \"rated-bad\", \"rate_limit_key\": \"api\", \"rate_per_second\": \"fast\"}").when()
                .post("/api/v1/tasks").then().statusCode(400).contentType("application/problem+json");
        assertThat(Database.count("select count(*) from tasks where type = 'rated-bad'")).isZero();
    }
}
