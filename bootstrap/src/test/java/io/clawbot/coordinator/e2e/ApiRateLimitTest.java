package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * OWASP API Security Top 10 (2023), API4 Unrestricted Resource Consumption, rates: each key has a bucket by its
 * role and each bot one of its own, shared by every replica through Redis; over it a caller gets 429 with
 * Retry-After and RateLimit headers, and other callers are not affected.
 */
@QuarkusTest
@TestProfile(TightRateLimits.class)
class ApiRateLimitTest {

    @Test
    void a_key_over_its_roles_rate_gets_429_with_retry_after_and_others_do_not() {
        String reader = Keys.issue("reader");
        List<Integer> statuses = new ArrayList<>();
        Response refused = null;
        for (int i = 0; i < 10; i++) {
            Response r = Keys.as(reader).when().get("/api/v1/tasks");
            statuses.add(r.statusCode());
            if (r.statusCode() == 429 && refused == null) {
                refused = r;
            }
        }
        assertThat(statuses.subList(0, 5)).containsOnly(200);
        assertThat(statuses).contains(429);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 2);
        assertThat(refused.header("RateLimit-Limit")).isEqualTo("5");
        assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(refused.jsonPath().getString("type")).isEqualTo("urn:clawbot:problem:rate-limited");

        Response other = Keys.as(Keys.issue("reader")).when().get("/api/v1/tasks");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.header("RateLimit-Limit")).isEqualTo("5");
        assertThat(other.header("RateLimit-Remaining")).isEqualTo("4");
        given().when().get("/api/v1/tasks").then().statusCode(200);
    }

    @Test
    void concurrent_requests_take_exactly_the_bucket_and_no_more() throws Exception {
        var bot = Fixtures.registerBotWithToken(Fixtures.unique("rated"), "x");
        double refusedBefore = WorkMetricsTest.value(WorkMetricsTest.scrape(), "clawbot_rate_limited_total",
                "scope=\"bot\"");
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(CompletableFuture.supplyAsync(
                    () -> Keys.as(bot.token()).when().post("/api/v1/bots/" + bot.id() + "/heartbeat").statusCode()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var call : calls) {
            statuses.add(call.get());
        }
        // Five in the bucket and (at a token per 1,000 s) none refilled while the twenty ran.
        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(5L);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(15L);
        // Each refusal is counted, under the bot's scope.
        assertThat(WorkMetricsTest.value(WorkMetricsTest.scrape(), "clawbot_rate_limited_total", "scope=\"bot\"")
                - refusedBefore).isEqualTo(15.0);
    }
}
