package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.client.model.CreateTaskRequest;
import io.clawbot.client.model.Task;
import io.clawbot.client.model.Workflow;
import io.clawbot.sdk.ClawbotClient;
import io.clawbot.sdk.ClawbotException;
import io.clawbot.sdk.TaskEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Java SDK against the real service and a real bot: submit and wait, idempotency, workflows, streams. */
@QuarkusTest
@TestProfile(ClientSdkTest.OwnService.class)
class ClientSdkTest {

    /** A service of this class's own, so that its bots take only its tasks. */
    public static class OwnService implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coordinator.watch.interval", "100ms");
        }
    }

    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool();

    private static ClawbotClient client() {
        return ClawbotClient.connect(URI.create("http://localhost:" + System.getProperty("quarkus.http.test-port",
                "8081")), AsAdmin.key());
    }

    /** Runs each task given to the bot to completion, with a progress report first; {@code count} of them. */
    private static CompletableFuture<Void> work(TestBot bot, int count) {
        return CompletableFuture.runAsync(() -> {
            for (int i = 0; i < count; i++) {
                Map<String, Object> assigned = bot.next("task_assigned").payload();
                Object id = assigned.get("task_id");
                Object attempt = assigned.get("attempt");
                bot.send("task_accepted", Map.of("task_id", id, "attempt", attempt));
                bot.next("task_ack");
                bot.send("task_progress", Map.of("task_id", id, "attempt", attempt, "progress",
                        Map.of("percent", 50, "message", "halfway")));
                bot.next("task_ack");
                bot.send("task_complete", Map.of("task_id", id, "attempt", attempt, "success", true, "result",
                        Map.of("n", i)));
                bot.next("task_ack");
            }
        }, BACKGROUND);
    }

    @Test
    void submit_and_wait_returns_the_ended_task_and_an_idempotency_key_makes_a_repeat_the_same_task()
            throws Exception {
        ClawbotClient client = client();
        String type = Fixtures.unique("sdk");
        String key = UUID.randomUUID().toString();
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("sdk-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            CompletableFuture<Void> working = work(bot, 1);
            Task done = client.submitAndWait(new CreateTaskRequest().type(type).payload(Map.of("repo", "app")), key,
                    Duration.ofSeconds(30));
            assertThat(done.getStatus()).isEqualTo(Task.StatusEnum.COMPLETED);
            assertThat(done.getResult()).isEqualTo(Map.of("n", 0));
            assertThat(done.getProgress().getPercent()).isEqualTo(50.0);
            working.get(10, TimeUnit.SECONDS);

            Task again = client.submit(new CreateTaskRequest().type(type).payload(Map.of("repo", "app")), key);
            assertThat(again.getId()).isEqualTo(done.getId());
            assertThat(again.getStatus()).isEqualTo(Task.StatusEnum.COMPLETED);
        }
        Task waiting = client.awaitTask(client.submit(new CreateTaskRequest().type(Fixtures.unique("idle")), null)
                .getId(), Duration.ofSeconds(1));
        assertThat(waiting.getStatus()).isEqualTo(Task.StatusEnum.PENDING);
        assertThat(client.explain(waiting.getId()).getReasons()).extracting(r -> r.getCode())
                .containsExactly("no_bot_registered");
        // The status is read at most once a second per replica: a read from just before the task was created may
        // still be served.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (client.status().getTasks().getPending() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(client.status().getTasks().getPending()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void a_workflow_from_yaml_and_a_stored_definition_run_to_their_end() throws Exception {
        ClawbotClient client = client();
        String type = Fixtures.unique("sdk-wf");
        Path yaml = Files.createTempFile("workflow", ".yaml");
        Files.writeString(yaml, "workflow:\n  name: sdk\n  jobs:\n    - id: one\n      type: " + type
                + "\n    - id: two\n      type: " + type + "\n      depends_on: [one]\n");
        given().contentType(ContentType.JSON).body(Map.of("name", type, "definition", Map.of("name", "stored",
                "steps", List.of(Map.of("id", "only", "type", type, "params", Map.of("tag", "${input.tag}"))))))
                .when().post("/api/v1/workflow-definitions").then().statusCode(201);
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("sdk-wf-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            CompletableFuture<Void> working = work(bot, 3);
            Workflow fromYaml = client.submitAndStartWorkflow(yaml, null);
            assertThat(client.awaitWorkflow(fromYaml.getId(), Duration.ofSeconds(30)).getStatus())
                    .isEqualTo(Workflow.StatusEnum.COMPLETED);
            Workflow run = client.runDefinition(type, Map.of("tag", "v1"), UUID.randomUUID().toString());
            assertThat(client.awaitWorkflow(run.getId(), Duration.ofSeconds(30)).getStatus())
                    .isEqualTo(Workflow.StatusEnum.COMPLETED);
            working.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void following_a_task_gives_its_transitions_progress_and_end() throws Exception {
        ClawbotClient client = client();
        String type = Fixtures.unique("sdk-follow");
        Task task = client.submit(new CreateTaskRequest().type(type), null);
        List<TaskEvent> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> following = CompletableFuture.runAsync(() -> client.follow(task.getId(), null,
                events::add), BACKGROUND);
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("sdk-follow-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            work(bot, 1).get(20, TimeUnit.SECONDS);
        }
        following.get(20, TimeUnit.SECONDS);
        assertThat(events.getFirst().name()).isEqualTo("task");
        assertThat(events.getLast().name()).isEqualTo("end");
        assertThat(events).filteredOn(e -> e.name().equals("progress")).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("message", "halfway"));
        assertThat(events).filteredOn(e -> e.name().equals("transition")).extracting(e -> e.data().get("to_status"))
                .containsExactly("pending", "assigned", "in_progress", "completed");
    }

    @Test
    void refusals_are_exceptions_with_the_problem() {
        ClawbotClient client = client();
        assertThatThrownBy(() -> client.task(UUID.randomUUID())).isInstanceOfSatisfying(ClawbotException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("task-not-found");
                });
        assertThatThrownBy(() -> client.submit(new CreateTaskRequest().priority(5000), null))
                .isInstanceOfSatisfying(ClawbotException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.problem().getField()).isEqualTo("priority");
                });
        ClawbotClient stranger = ClawbotClient.connect(URI.create("http://localhost:"
                + System.getProperty("quarkus.http.test-port", "8081")), "cbk_" + "A".repeat(43));
        assertThatThrownBy(stranger::status).isInstanceOfSatisfying(ClawbotException.class,
                e -> assertThat(e.status()).isEqualTo(401));
        assertThatThrownBy(() -> client.follow(UUID.randomUUID(), null, e -> {
        })).isInstanceOfSatisfying(ClawbotException.class, e -> assertThat(e.status()).isEqualTo(404));
    }
}
