package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clawbot.coordinator.application.task.TaskWatch;
import io.clawbot.coordinator.application.workflow.WorkflowWatch;
import io.clawbot.sdk.ServerSentEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Clients waiting for a task ({@code ?wait=}) and following it ({@code /stream}): an end on this replica or
 * written by another (straight to the database) reaches them; progress a bot reports is kept and shown; a wait
 * ends with the state then; every watch is released afterwards.
 */
@QuarkusTest
@TestProfile(WaitAndStreamTest.OwnService.class)
class WaitAndStreamTest {

    /**
     * A service of this class's own, on an emptied database: no task left by another class is pending for its
     * bots to take, and every watch counted is one of this class's.
     */
    public static class OwnService implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coordinator.watch.max-watchers", "1000");
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Threads for the requests that wait: the common pool has one thread on two cores, and others need it. */
    private static final ExecutorService WAITERS = Executors.newCachedThreadPool();

    @Inject
    TaskWatch watch;

    @Inject
    WorkflowWatch workflowWatch;

    /** Polls {@code condition} until it holds; fails after {@code seconds}. */
    private static void until(int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not so within " + seconds + " s");
            }
            Thread.sleep(20);
        }
    }

    private static String base() {
        return "http://localhost:" + System.getProperty("quarkus.http.test-port", "8081");
    }

    private static CompletableFuture<JsonPath> getAsync(String path) {
        return CompletableFuture.supplyAsync(() -> given().when().get(path).then().statusCode(200).extract()
                .jsonPath(), WAITERS);
    }

    /** Runs the task the bot is given to the end, reporting progress on the way; returns its id. */
    private static String run(TestBot bot, Map<String, Object> progress) {
        Map<String, Object> assigned = bot.next("task_assigned").payload();
        Object task = assigned.get("task_id");
        Object attempt = assigned.get("attempt");
        bot.send("task_accepted", Map.of("task_id", task, "attempt", attempt));
        bot.next("task_ack");
        bot.send("task_progress", Map.of("task_id", task, "attempt", attempt, "progress", progress));
        bot.next("task_ack");
        bot.send("task_complete", Map.of("task_id", task, "attempt", attempt, "success", true, "result",
                Map.of("done", true)));
        bot.next("task_ack");
        return (String) task;
    }

    @Test
    void a_wait_answers_as_soon_as_the_task_ends_with_its_result_and_progress() throws Exception {
        String type = Fixtures.unique("wait");
        String task = Fixtures.createTask(type, 0);
        CompletableFuture<JsonPath> waiting = getAsync("/api/v1/tasks/" + task + "?wait=30");
        until(10, () -> watch.watching() >= 1);
        assertThat(waiting).isNotDone();

        var creds = Fixtures.registerBotWithToken(Fixtures.unique("waiter-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            run(bot, Map.of("percent", 75, "message", "linking", "stage", "link"));
        }

        JsonPath answer = waiting.get(20, TimeUnit.SECONDS);
        assertThat(answer.getString("status")).isEqualTo("completed");
        assertThat(answer.getMap("result")).containsEntry("done", true);
        assertThat(answer.getFloat("progress.percent")).isEqualTo(75f);
        assertThat(answer.getString("progress.message")).isEqualTo("linking");
        assertThat(answer.getMap("progress.data")).containsEntry("stage", "link");
        assertThat(answer.getInt("progress.attempt")).isEqualTo(1);
        until(5, () -> watch.watching() == 0);
    }

    @Test
    void a_wait_that_runs_out_answers_the_state_then() {
        String task = Fixtures.createTask(Fixtures.unique("nobody"), 0);
        long start = System.nanoTime();
        given().when().get("/api/v1/tasks/" + task + "?wait=1").then().statusCode(200)
                .body("status", equalTo("pending")).body("progress", equalTo(null));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        given().when().get("/api/v1/tasks/" + task + "?wait=0").then().statusCode(200)
                .body("status", equalTo("pending"));
    }

    @Test
    void a_wait_sees_an_end_committed_by_another_replica() throws Exception {
        List<String> tasks = new ArrayList<>();
        String type = Fixtures.unique("elsewhere");
        for (int i = 0; i < 50; i++) {
            tasks.add(Fixtures.createTask(type, 0));
        }
        List<CompletableFuture<JsonPath>> waits = tasks.stream()
                .map(t -> getAsync("/api/v1/tasks/" + t + "?wait=30")).toList();
        until(10, () -> watch.watching() >= tasks.size());

        // Another replica cancels them all: one commit, nothing said to this one.
        Database.execute("update tasks set status = 'cancelled', completed_at = now(), updated_at = now(), "
                + "version = version + 1 where type = '" + type + "'");

        for (CompletableFuture<JsonPath> wait : waits) {
            assertThat(wait.get(20, TimeUnit.SECONDS).getString("status")).isEqualTo("cancelled");
        }
        until(5, () -> watch.watching() == 0);
    }

    @Test
    void bad_waits_are_refused_and_an_unknown_task_is_not_waited_for() {
        String task = Fixtures.createTask(Fixtures.unique("bad-wait"), 0);
        for (String wait : List.of("61", "-1", "soon", "1.5")) {
            given().when().get("/api/v1/tasks/" + task + "?wait=" + wait).then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo("wait"));
        }
        given().when().get("/api/v1/tasks/" + java.util.UUID.randomUUID() + "?wait=5").then().statusCode(404);
        assertThat(watch.watching()).isZero();
    }

    @Test
    void a_bad_percentage_is_refused_with_an_error_frame_and_keeps_the_last_progress() {
        String type = Fixtures.unique("bad-progress");
        String task = Fixtures.createTask(type, 0);
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("progress-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            Map<String, Object> assigned = bot.next("task_assigned").payload();
            bot.send("task_accepted", Map.of("task_id", task, "attempt", assigned.get("attempt")));
            bot.next("task_ack");
            bot.send("task_progress", Map.of("task_id", task, "attempt", 1, "progress", Map.of("percent", 30)));
            bot.next("task_ack");
            bot.send("task_progress", Map.of("task_id", task, "attempt", 1, "progress", Map.of("percent", 130)));
            assertThat(bot.next("error").payload().get("message").toString()).contains("progress.percent");
        }
        given().when().get("/api/v1/tasks/" + task).then().statusCode(200).body("progress.percent", equalTo(30.0f));
    }

    /** The events of a task's stream until it closes: each as {event name, id or null, data}. */
    private static List<String[]> streamEvents(String task, String lastEventId) throws Exception {
        return events("/api/v1/tasks/" + task + "/stream", lastEventId);
    }

    private static List<String[]> events(String path, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + AsAdmin.key()).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(30));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> response = HTTP.send(request.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/event-stream"));
        List<String[]> events = new ArrayList<>();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                response.body(), java.nio.charset.StandardCharsets.UTF_8))) {
            ServerSentEvents.read(lines, e -> events.add(new String[]{ e.name(), e.id(), e.data() }));
        }
        return events;
    }

    @Test
    void a_stream_sends_the_task_each_transition_progress_and_the_end_then_resumes_after_an_id() throws Exception {
        String type = Fixtures.unique("streamed");
        String task = Fixtures.createTask(type, 0);
        CompletableFuture<List<String[]>> stream = CompletableFuture.supplyAsync(() -> {
            try {
                return streamEvents(task, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, WAITERS);
        until(10, () -> watch.watching() >= 1);
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("stream-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            run(bot, Map.of("percent", 40, "message", "testing"));
        }

        List<String[]> events = stream.get(20, TimeUnit.SECONDS);
        List<String> names = events.stream().map(e -> e[0]).toList();
        assertThat(names.getFirst()).isEqualTo("task");
        assertThat(names.getLast()).isEqualTo("end");
        assertThat(names).contains("progress");
        List<String[]> transitions = events.stream().filter(e -> e[0].equals("transition")).toList();
        assertThat(transitions).extracting(e -> new JsonPath(e[2]).getString("to_status"))
                .containsExactly("pending", "assigned", "in_progress", "completed");
        assertThat(transitions).extracting(e -> e[1]).containsExactly("1", "2", "3", "4");
        assertThat(new JsonPath(events.getLast()[2]).getString("status")).isEqualTo("completed");
        String progress = events.stream().filter(e -> e[0].equals("progress")).findFirst().orElseThrow()[2];
        assertThat(new JsonPath(progress).getFloat("percent")).isEqualTo(40f);

        List<String[]> resumed = streamEvents(task, "2");
        assertThat(resumed.stream().filter(e -> e[0].equals("transition")).map(e -> e[1]).toList())
                .containsExactly("3", "4");
        assertThat(resumed.getLast()[0]).isEqualTo("end");
        until(5, () -> watch.watching() == 0);
    }

    @Test
    void a_client_that_leaves_a_stream_releases_its_watch() throws Exception {
        String task = Fixtures.createTask(Fixtures.unique("left"), 0);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/api/v1/tasks/" + task + "/stream"))
                .header("Authorization", "Bearer " + AsAdmin.key()).build();
        HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            assertThat(lines.filter(l -> l.startsWith("event:")).findFirst()).hasValue("event:task");
            until(10, () -> watch.watching() >= 1);
        }
        until(10, () -> watch.watching() == 0);
    }

    @Test
    void a_stream_of_an_unknown_task_or_workflow_is_a_404_problem() {
        for (String path : List.of("/api/v1/tasks/" + java.util.UUID.randomUUID() + "/stream",
                "/api/v1/workflows/" + java.util.UUID.randomUUID() + "/stream")) {
            given().when().get(path).then().statusCode(404).contentType("application/problem+json");
        }
        given().when().get("/api/v1/workflows/" + java.util.UUID.randomUUID() + "?wait=5").then().statusCode(404);
    }

    @Test
    void a_workflow_wait_and_stream_follow_its_steps_to_the_end() throws Exception {
        String type = Fixtures.unique("wf-wait");
        String workflow = given().contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("definition", Map.of("name", "two", "steps", List.of(Map.of("id", "a", "type", type),
                        Map.of("id", "b", "type", type, "depends_on", List.of("a"))))))
                .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");
        CompletableFuture<JsonPath> waiting = getAsync("/api/v1/workflows/" + workflow + "?wait=30");
        CompletableFuture<List<String[]>> stream = CompletableFuture.supplyAsync(() -> {
            try {
                return events("/api/v1/workflows/" + workflow + "/stream", null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, WAITERS);
        until(10, () -> watch.watching() + workflowWatch.watching() >= 2);
        assertThat(waiting).isNotDone();

        var creds = Fixtures.registerBotWithToken(Fixtures.unique("wf-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            run(bot, Map.of("percent", 50));
            run(bot, Map.of("percent", 90));
        }

        assertThat(waiting.get(20, TimeUnit.SECONDS).getString("status")).isEqualTo("completed");
        List<String[]> events = stream.get(20, TimeUnit.SECONDS);
        assertThat(events.getFirst()[0]).isEqualTo("workflow");
        assertThat(events.getLast()[0]).isEqualTo("end");
        JsonPath end = new JsonPath(events.getLast()[2]);
        assertThat(end.getString("workflow.status")).isEqualTo("completed");
        assertThat(end.getList("tasks.status")).containsExactly("completed", "completed");
        assertThat(events.stream().filter(e -> e[0].equals("step")).map(e -> new JsonPath(e[2]).getString("status"))
                .toList()).contains("completed");
        until(5, () -> workflowWatch.watching() == 0);
    }
}
