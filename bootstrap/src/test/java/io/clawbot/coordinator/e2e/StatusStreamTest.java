package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.application.insight.FleetStatusQuery;
import io.clawbot.sdk.ServerSentEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The status as a stream of Server-Sent Events (what the dashboard's overview follows), and the fleet's dispatch
 * latency in it, against the real service: a bot over its WebSocket, the census in Redis.
 */
@QuarkusTest
class StatusStreamTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    FleetStatusQuery status;

    private static String base() {
        return "http://localhost:" + System.getProperty("quarkus.http.test-port", "8081");
    }

    /** Follows the stream on another thread, each event's data into {@code events}; closing the body leaves. */
    private static InputStream follow(BlockingQueue<JsonPath> events) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/api/v1/status/stream"))
                .header("Authorization", "Bearer " + AsAdmin.key()).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/event-stream"));
        InputStream body = response.body();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                // An event of another name reaches the test as a document without the status's fields.
                ServerSentEvents.read(lines, e -> events.add(e.name().equals("status")
                        ? new JsonPath(e.data())
                        : new JsonPath("{\"unexpected_event\": \"" + e.name() + "\"}")));
            } catch (java.io.IOException e) {
                // the test closed the stream
            }
        }, "status-stream-reader");
        reader.setDaemon(true);
        reader.start();
        return body;
    }

    private static JsonPath next(BlockingQueue<JsonPath> events, int seconds, Predicate<JsonPath> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            JsonPath event = events.poll(200, TimeUnit.MILLISECONDS);
            if (event != null && wanted.test(event)) {
                return event;
            }
        }
        throw new AssertionError("no such status event within " + seconds + " s");
    }

    private void untilFollowers(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (status.following() != count) {
            assertThat(System.nanoTime()).as("%d followers within 10 s", count).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void the_stream_sends_the_status_at_once_then_every_second_with_the_fleets_dispatch_latency()
            throws Exception {
        BlockingQueue<JsonPath> events = new LinkedBlockingQueue<>();
        InputStream stream = follow(events);
        try {
            JsonPath first = next(events, 5, e -> true);
            assertThat(first.getMap("tasks")).containsKeys("pending", "ready", "dead_letters");
            assertThat(first.getLong("dispatch.window_seconds")).isEqualTo(60);
            assertThat(first.getLong("dispatch.count")).isGreaterThanOrEqualTo(0);
            untilFollowers(1);
            java.time.Instant firstRead = java.time.Instant.parse(first.getString("read_at"));
            next(events, 5, e -> java.time.Instant.parse(e.getString("read_at")).isAfter(firstRead));

            // A bot runs a task: within the census's report interval the stream shows a dispatch and its latency.
            String type = Fixtures.unique("streamed-status");
            var creds = Fixtures.registerBotWithToken(Fixtures.unique("status-bot"), type);
            try (TestBot bot = TestBot.connect(creds.token())) {
                CompletableFuture<Void> working = bot.work(1, true);
                given().contentType(ContentType.JSON).body(Map.of("type", type)).when().post("/api/v1/tasks")
                        .then().statusCode(201);
                working.get(10, TimeUnit.SECONDS);
            }
            JsonPath dispatched = next(events, 15,
                    e -> e.getLong("dispatch.count") >= 1 && e.get("dispatch.p99_ms") != null);
            assertThat(dispatched.getDouble("dispatch.p99_ms")).isGreaterThanOrEqualTo(
                    dispatched.getDouble("dispatch.p50_ms"));
            JsonPath polled = given().when().get("/api/v1/status").then().statusCode(200).extract().jsonPath();
            assertThat(polled.getLong("dispatch.count")).isGreaterThanOrEqualTo(1);
        } finally {
            stream.close();
        }
        // A client that leaves releases its place.
        untilFollowers(0);
    }

    @Test
    void a_beat_outside_one_to_sixty_seconds_is_a_400_problem() {
        for (String every : List.of("0", "61", "-1", "soon", "1.5")) {
            given().queryParam("every", every).when().get("/api/v1/status/stream").then().statusCode(400)
                    .contentType("application/problem+json");
        }
    }
}
