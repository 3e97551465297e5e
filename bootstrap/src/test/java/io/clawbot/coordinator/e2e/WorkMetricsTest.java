package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Tasks through every outcome over a real bot's socket, then the work's counters and histograms on
 * {@code /q/metrics}: each moved by exactly what happened, and agrees with the database.
 */
@QuarkusTest
@TestProfile(ShortLeases.class)
class WorkMetricsTest {

    private static final Pattern SAMPLE = Pattern.compile("^(clawbot_[a-z_0-9]+)(\\{[^}]*})? ([-0-9.eE+NaN]+)$");

    static Map<String, Double> scrape() {
        String text = given().port(ServiceApiTest.managementPort()).noFiltersOfType(AsAdmin.class).when()
                .get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line.strip());
            if (m.matches()) {
                samples.put(m.group(1) + sorted(m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
        return samples;
    }

    /** The labels of a sample in the order of their names, so a test can name them in one order. */
    private static String sorted(String labels) {
        if (labels == null) {
            return "";
        }
        List<String> pairs = new java.util.ArrayList<>(List.of(labels.substring(1, labels.length() - 1)
                .split(",(?=[a-z_]+=\")")));
        pairs.sort(null);
        return "{" + String.join(",", pairs) + "}";
    }

    /** A sample's value, 0 when it is not there; labels in the order of their names. */
    static double value(Map<String, Double> samples, String name, String labels) {
        return samples.getOrDefault(name + (labels.isEmpty() ? "" : "{" + labels + "}"), 0.0);
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name,
            String labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    /** The sum of a metric's samples over all their labels. */
    static double sum(Map<String, Double> samples, String name) {
        return samples.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static String create(String type, int maxAttempts) {
        return given().contentType(ContentType.JSON).body(Map.of("type", type, "retry",
                Map.of("max_attempts", maxAttempts, "backoff_seconds", 0, "jitter", 0)))
                .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
    }

    private static void awaitStatus(String task, String status) {
        eventually(() -> given().when().get("/api/v1/tasks/" + task)
                .then().body("status", equalTo(status)));
    }

    /** Runs {@code check} until it passes, for up to 15 seconds. */
    static void eventually(Runnable check) {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Test
    void a_batch_counts_the_tasks_it_creates_and_not_its_replays_or_refusals() {
        String type = Fixtures.unique("metrics-batch");
        String item = "{\"type\": \"" + type + "\", \"idempotency_key\": \"" + Fixtures.unique("k") + "\"}";
        given().contentType(ContentType.JSON).body("{\"tasks\": [" + item + ", " + item + ", {\"type\": \"" + type
                + "\"}, {\"type\": \"" + type + "\", \"priority\": 5000}]}").when().post("/api/v1/tasks/batch")
                .then().statusCode(200).body("created", equalTo(2));

        assertThat(value(scrape(), "clawbot_tasks_created_total", "type=\"" + type + "\"")).isEqualTo(2.0);
    }

    @Test
    void every_outcome_moves_its_counters_and_histograms_by_what_happened() throws InterruptedException {
        String type = Fixtures.unique("metered");
        String flow = Fixtures.unique("metered-step");
        Map<String, Double> before = scrape();
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("meter-bot"), type, flow);
        String failing;
        try (TestBot bot = TestBot.connect(creds.token())) {
            // Completed at the first attempt.
            String done = create(type, 1);
            assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", done);
            bot.send("task_accepted", Map.of("task_id", done, "attempt", 1));
            bot.next("task_ack");
            bot.send("task_complete", Map.of("task_id", done, "attempt", 1, "success", true));
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "completed");

            // Failed, retried, failed for good (a dead letter), redriven, then cancelled while pending.
            failing = create(type, 2);
            for (int attempt = 1; attempt <= 2; attempt++) {
                assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", failing)
                        .containsEntry("attempt", attempt);
                bot.send("task_accepted", Map.of("task_id", failing, "attempt", attempt));
                bot.next("task_ack");
                bot.send("task_complete", Map.of("task_id", failing, "attempt", attempt, "success", false,
                        "error", "no disk", "error_code", "disk_full"));
                bot.next("task_ack");
            }
            awaitStatus(failing, "failed");

            // Never accepted: the acknowledgement timeout ends its only attempt.
            String ignored = create(type, 1);
            assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", ignored);
            awaitStatus(ignored, "timed_out");
            bot.drain(Duration.ofMillis(300));

            // A frame the protocol does not know: an error frame.
            bot.send("launch_rockets", Map.of());
            assertThat(bot.next("error").payload()).containsEntry("code", "unknown_type");

            // The redrive goes back to the queue; the bot's session leaves so it stays pending, and is cancelled.
        }
        eventually(() -> given().when().get("/api/v1/bots/" + creds.id())
                .then().body("status", equalTo("offline")));
        given().when().post("/api/v1/tasks/" + failing + "/redrive").then().statusCode(200);
        given().when().post("/api/v1/tasks/" + failing + "/cancel").then().statusCode(200);

        // A workflow of one step, run by the bot once it is back.
        String run;
        try (TestBot bot = TestBot.connect(creds.token())) {
            run = given().contentType(ContentType.JSON).body(Map.of("definition", Map.of("name", "metered",
                    "steps", List.of(Map.of("id", "only", "type", flow)))))
                    .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");
            String step = (String) bot.next("task_assigned").payload().get("task_id");
            bot.send("task_accepted", Map.of("task_id", step, "attempt", 1));
            bot.next("task_ack");
            bot.send("task_complete", Map.of("task_id", step, "attempt", 1, "success", true));
            bot.next("task_ack");
        }
        eventually(() -> given().when().get("/api/v1/workflows/" + run)
                .then().body("status", equalTo("completed")));

        Map<String, Double> after = scrape();
        String t = "type=\"" + type + "\"";
        assertThat(value(after, "clawbot_tasks_created_total", t)).isEqualTo(3.0);
        assertThat(value(after, "clawbot_tasks_dispatched_total", t)).isEqualTo(4.0);
        assertThat(value(after, "clawbot_tasks_ended_total", "outcome=\"completed\"," + t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_tasks_ended_total", "outcome=\"failed\"," + t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_tasks_ended_total", "outcome=\"timed_out\"," + t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_tasks_ended_total", "outcome=\"cancelled\"," + t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_task_attempts_ended_total", "cause=\"completed\"," + t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_task_attempts_ended_total", "cause=\"retry_scheduled\"," + t))
                .isEqualTo(1.0);
        assertThat(value(after, "clawbot_task_attempts_ended_total", "cause=\"failed\"," + t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_task_attempts_ended_total", "cause=\"ack_timeout\"," + t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_task_retries_total", t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_tasks_dead_lettered_total", t)).isEqualTo(2.0);
        assertThat(value(after, "clawbot_task_redrives_total", t)).isEqualTo(1.0);

        // The histograms: one observation per dispatch, acceptance and run, each in its +Inf bucket too.
        assertThat(value(after, "clawbot_task_dispatch_seconds_count", t)).isEqualTo(4.0);
        assertThat(value(after, "clawbot_task_dispatch_seconds_bucket", "le=\"+Inf\"," + t)).isEqualTo(4.0);
        assertThat(value(after, "clawbot_task_ack_seconds_count", t)).isEqualTo(3.0);
        assertThat(value(after, "clawbot_task_run_seconds_count", "outcome=\"completed\"," + t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_task_run_seconds_count", "outcome=\"retried\"," + t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_task_run_seconds_count", "outcome=\"failed\"," + t)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_task_end_to_end_seconds_count", "outcome=\"timed_out\"," + t))
                .isEqualTo(1.0);
        assertThat(value(after, "clawbot_task_end_to_end_seconds_count", "outcome=\"cancelled\"," + t))
                .isEqualTo(1.0);
        // A task that sat out its acknowledgement timeout of a second was ended a second or more after it began.
        assertThat(value(after, "clawbot_task_end_to_end_seconds_sum", "outcome=\"timed_out\"," + t))
                .isGreaterThanOrEqualTo(1.0);

        // The workflow and its step.
        String f = "type=\"" + flow + "\"";
        assertThat(value(after, "clawbot_tasks_created_total", f)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_tasks_ended_total", "outcome=\"completed\"," + f)).isEqualTo(1.0);
        assertThat(value(after, "clawbot_workflows_started_total", "")
                - value(before, "clawbot_workflows_started_total", "")).isEqualTo(1.0);
        assertThat(value(after, "clawbot_workflows_ended_total", "status=\"completed\"")
                - value(before, "clawbot_workflows_ended_total", "status=\"completed\"")).isEqualTo(1.0);

        // The bot channel: every frame each way, by type; the error frame by its code; both sessions.
        assertThat(delta(before, after, "clawbot_ws_frames_received_total", "type=\"task_accepted\"")).isEqualTo(4.0);
        assertThat(delta(before, after, "clawbot_ws_frames_received_total", "type=\"task_complete\"")).isEqualTo(4.0);
        assertThat(delta(before, after, "clawbot_ws_frames_received_total", "type=\"other\"")).isEqualTo(1.0);
        assertThat(delta(before, after, "clawbot_ws_frames_sent_total", "type=\"task_assigned\"")).isEqualTo(5.0);
        assertThat(delta(before, after, "clawbot_ws_frames_sent_total", "type=\"connected\"")).isEqualTo(2.0);
        assertThat(delta(before, after, "clawbot_ws_errors_total", "code=\"unknown_type\"")).isEqualTo(1.0);
        assertThat(delta(before, after, "clawbot_ws_sessions_opened_total", "")).isEqualTo(2.0);
        eventually(() -> assertThat(sum(scrape(), "clawbot_ws_sessions_closed_total")
                - sum(before, "clawbot_ws_sessions_closed_total")).isEqualTo(2.0));
        // The sweeps ran, and one of them ended the attempt nobody accepted; every new task was hinted over Redis.
        assertThat(delta(before, after, "clawbot_sweeps_total", "kind=\"lease\",result=\"ok\"")).isPositive();
        assertThat(sum(after, "clawbot_sweep_items_total") - sum(before, "clawbot_sweep_items_total"))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(delta(before, after, "clawbot_redis_messages_total", "direction=\"sent\",kind=\"hint\""))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(value(after, "clawbot_redis_up", "")).isEqualTo(1.0);

        // The counters agree with what the database holds of the type.
        assertThat(value(after, "clawbot_tasks_created_total", t))
                .isEqualTo(Database.count("select count(*) from tasks where type = '" + type + "'"));
        assertThat(value(after, "clawbot_tasks_dispatched_total", t)).isEqualTo(Database.count(
                "select count(*) from task_events e join tasks k on k.id = e.task_id where k.type = '" + type
                        + "' and e.to_status = 'assigned'"));
    }
}
