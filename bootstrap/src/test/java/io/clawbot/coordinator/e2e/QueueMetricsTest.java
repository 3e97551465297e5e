package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.adapters.persistence.redis.RedisReplicaCensus;
import io.clawbot.coordinator.bootstrap.metrics.QueueMetrics;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The queue and fleet gauges on {@code /q/metrics}, against what the database holds. */
@QuarkusTest
@TestProfile(QueueMetricsTest.OwnService.class)
class QueueMetricsTest {

    /** A service of its own (an emptied database), whose gauges refresh only when the test asks. */
    public static class OwnService implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coordinator.metrics.queue-interval", "1h");
        }
    }

    @Inject
    QueueMetrics metrics;

    @Inject
    ReactiveRedisDataSource redis;

    private static void task(String type, Instant runAt) {
        Map<String, Object> body = new HashMap<>(Map.of("type", type));
        if (runAt != null) {
            body.put("run_at", runAt.toString());
        }
        given().contentType(ContentType.JSON).body(body).when().post("/api/v1/tasks").then().statusCode(201);
    }

    @Test
    void the_gauges_are_what_the_database_holds() throws Exception {
        for (int i = 0; i < 3; i++) {
            task("m-render", null);
        }
        task("m-render", Instant.now().plus(Duration.ofHours(1)));
        task("m-render", Instant.now().plus(Duration.ofHours(2)));
        task("m-encode", null);
        String bot = Fixtures.registerBot(Fixtures.unique("m-bot"), "nothing-pending");
        Fixtures.heartbeat(bot);
        String encoder = Fixtures.registerBot(Fixtures.unique("m-encoder"), "m-encode");
        Fixtures.heartbeat(encoder);
        Thread.sleep(1100); // the status is read at most once a second
        metrics.refreshNow().await().atMost(Duration.ofSeconds(10));

        Map<String, Double> samples = WorkMetricsTest.scrape();
        assertThat(samples).containsEntry("clawbot_tasks_pending{state=\"ready\",type=\"m-render\"}", 3.0)
                .containsEntry("clawbot_tasks_pending{state=\"delayed\",type=\"m-render\"}", 2.0)
                .containsEntry("clawbot_tasks_pending{state=\"ready\",type=\"m-encode\"}", 1.0);
        assertThat(samples.get("clawbot_tasks_pending{state=\"ready\",type=\"m-render\"}")).isEqualTo(
                (double) Database.count("select count(*) from tasks where type = 'm-render' and status = 'pending' "
                        + "and (run_at is null or run_at <= now())"));
        assertThat(samples.get("clawbot_bots{status=\"online\"}")).isEqualTo(
                (double) Database.count("select count(*) from bots where status = 'online'"));
        assertThat(samples.get("clawbot_dead_letters")).isEqualTo(
                (double) Database.count("select count(*) from tasks where status in ('failed', 'timed_out')"));
        assertThat(samples.get("clawbot_tasks_oldest_ready_age_seconds{type=\"m-render\"}")).isGreaterThan(1.0);
        // No bot declares m-render; one online bot declares m-encode.
        assertThat(samples).containsEntry("clawbot_type_bots_available{type=\"m-render\"}", 0.0)
                .containsEntry("clawbot_type_bots_available{type=\"m-encode\"}", 1.0);

        // The work goes; the gauges follow.
        given().when().get("/api/v1/tasks?type=m-encode").then().statusCode(200);
        String encode = given().when().get("/api/v1/tasks?type=m-encode").then().extract().path("[0].id");
        given().when().post("/api/v1/tasks/" + encode + "/cancel").then().statusCode(200);
        Thread.sleep(1100);
        metrics.refreshNow().await().atMost(Duration.ofSeconds(10));
        assertThat(WorkMetricsTest.scrape()).containsEntry("clawbot_tasks_pending{state=\"ready\",type=\"m-encode\"}",
                0.0);
    }

    @Test
    void one_replica_publishes_the_clusters_gauges_and_another_takes_over_when_it_leaves() throws Exception {
        task("m-publish", null);
        Thread.sleep(1100);
        metrics.refreshNow().await().atMost(Duration.ofSeconds(10));
        assertThat(WorkMetricsTest.scrape()).containsEntry("clawbot_queue_publisher", 1.0)
                .containsKey("clawbot_dead_letters")
                .containsKey("clawbot_tasks_pending{state=\"ready\",type=\"m-publish\"}");

        // Another replica, first by name, reports to the census: it publishes, and this one leaves the series out
        // (a sum over replicas stays the cluster's figure) but keeps its own.
        String other = "0-another-replica";
        redis.execute("HSET", RedisReplicaCensus.KEY, other, "0:" + System.currentTimeMillis())
                .await().atMost(Duration.ofSeconds(5));
        try {
            Thread.sleep(1100); // the status is read at most once a second
            metrics.refreshNow().await().atMost(Duration.ofSeconds(10));
            Map<String, Double> samples = WorkMetricsTest.scrape();
            assertThat(samples).containsEntry("clawbot_queue_publisher", 0.0).containsKey("clawbot_bots_connected")
                    .doesNotContainKey("clawbot_dead_letters")
                    .doesNotContainKey("clawbot_tasks_pending{state=\"ready\",type=\"m-publish\"}");
        } finally {
            redis.execute("HDEL", RedisReplicaCensus.KEY, other).await().atMost(Duration.ofSeconds(5));
        }

        // It left: this replica publishes again, types seen meanwhile included.
        Thread.sleep(1100);
        metrics.refreshNow().await().atMost(Duration.ofSeconds(10));
        assertThat(WorkMetricsTest.scrape()).containsEntry("clawbot_queue_publisher", 1.0)
                .containsKey("clawbot_dead_letters")
                .containsEntry("clawbot_tasks_pending{state=\"ready\",type=\"m-publish\"}", 1.0);
    }
}
