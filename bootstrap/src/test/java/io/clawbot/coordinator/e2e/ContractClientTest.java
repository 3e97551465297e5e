package io.clawbot.coordinator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.client.ApiClient;
import io.clawbot.client.ApiException;
import io.clawbot.client.api.BotsApi;
import io.clawbot.client.api.SchedulesApi;
import io.clawbot.client.api.TasksApi;
import io.clawbot.client.api.WorkflowDefinitionsApi;
import io.clawbot.client.api.WorkflowsApi;
import io.clawbot.client.model.CreateTaskBatchItem;
import io.clawbot.client.model.CreateTaskBatchRequest;
import io.clawbot.client.model.CreateTaskRequest;
import io.clawbot.client.model.CreateWorkflowDefinitionRequest;
import io.clawbot.client.model.CreateWorkflowRequest;
import io.clawbot.client.model.Problem;
import io.clawbot.client.model.RegisterBotRequest;
import io.clawbot.client.model.RegisteredBot;
import io.clawbot.client.model.RetryPolicyRequest;
import io.clawbot.client.model.Schedule;
import io.clawbot.client.model.ScheduleFireTimes;
import io.clawbot.client.model.ScheduleRequest;
import io.clawbot.client.model.StartWorkflowRunRequest;
import io.clawbot.client.model.Task;
import io.clawbot.client.model.TaskBatchItemResult;
import io.clawbot.client.model.TaskBatchResult;
import io.clawbot.client.model.TaskEvent;
import io.clawbot.client.model.Workflow;
import io.clawbot.client.model.WorkflowWithTasks;
import io.quarkus.test.junit.QuarkusTest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service driven only through the Java client that the build generates from the committed API document
 * ({@code api-client}), with no hand edits: if the document and the wire disagree on a name, a type, an enum or a
 * required field, these calls fail to send or to read.
 */
@QuarkusTest
class ContractClientTest {

    private ApiClient client;
    private TasksApi tasks;
    private BotsApi bots;
    private WorkflowsApi workflows;
    private WorkflowDefinitionsApi definitions;
    private SchedulesApi schedules;

    @BeforeEach
    void client() {
        client = clientWith(AsAdmin.key());
        tasks = new TasksApi(client);
        bots = new BotsApi(client);
        workflows = new WorkflowsApi(client);
        definitions = new WorkflowDefinitionsApi(client);
        schedules = new SchedulesApi(client);
    }

    private static ApiClient clientWith(String key) {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://localhost:" + System.getProperty("quarkus.http.test-port", "8081"));
        if (key != null) {
            client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
        }
        return client;
    }

    private TestBot bot(String capability) throws ApiException {
        RegisteredBot registered = bots.registerBot(new RegisterBotRequest().name(Fixtures.unique("contract"))
                .capabilities(List.of(capability)).metadata(Map.of("region", "test")));
        assertThat(registered.getStatus()).isEqualTo(RegisteredBot.StatusEnum.OFFLINE);
        assertThat(registered.getToken()).startsWith("cbt_");
        return TestBot.connect(registered.getToken());
    }

    /** Takes the next assignment and reports it; returns the task id. */
    private static UUID run(TestBot bot, boolean success, Map<String, Object> result) {
        Map<String, Object> assigned = bot.next("task_assigned").payload();
        Object task = assigned.get("task_id");
        Object attempt = assigned.get("attempt");
        bot.send("task_accepted", Map.of("task_id", task, "attempt", attempt));
        bot.next("task_ack");
        bot.send("task_complete", success
                ? Map.of("task_id", task, "attempt", attempt, "success", true, "result", result)
                : Map.of("task_id", task, "attempt", attempt, "success", false, "error", "boom", "error_code",
                        "bad_input"));
        bot.next("task_ack");
        return UUID.fromString((String) task);
    }

    @Test
    void a_task_with_every_field_is_created_run_listed_paged_and_its_history_read() throws Exception {
        String type = Fixtures.unique("contract-task");
        OffsetDateTime runAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS).plusSeconds(1);
        Task created = tasks.createTask(new CreateTaskRequest().type(type).priority(7)
                .payload(Map.of("repo", "app", "depth", 2, "flags", List.of("a", "b"))).timeoutSeconds(120)
                .retry(new RetryPolicyRequest().maxAttempts(3).backoffSeconds(0.5).backoffMultiplier(2.0)
                        .maxBackoffSeconds(10.0).jitter(0.1).nonRetryableErrors(List.of("bad_input")))
                .scheduleToStartSeconds(600).runAt(runAt), UUID.randomUUID().toString());
        assertThat(created.getStatus()).isEqualTo(Task.StatusEnum.PENDING);
        assertThat(created.getPriority()).isEqualTo(7);
        assertThat(created.getTimeoutSeconds()).isEqualTo(120);
        assertThat(created.getScheduleToStartSeconds()).isEqualTo(600);
        assertThat(created.getRunAt().toInstant()).isEqualTo(runAt.toInstant());
        assertThat(created.getRetry().getMaxAttempts()).isEqualTo(3);
        assertThat(created.getRetry().getNonRetryableErrors()).containsExactly("bad_input");
        assertThat(created.getPayload()).containsEntry("repo", "app").containsEntry("depth", 2);
        assertThat(created.getBotId()).isNull();

        Task delayed = tasks.createTask(new CreateTaskRequest().type(type).delaySeconds(0.2), null);
        try (TestBot bot = bot(type)) {
            List<UUID> ran = List.of(run(bot, true, Map.of("ok", true)), run(bot, true, Map.of("ok", 2)));
            assertThat(ran).containsExactlyInAnyOrder(created.getId(), delayed.getId());
        }
        Task done = tasks.getTask(created.getId(), null, null);
        assertThat(done.getStatus()).isEqualTo(Task.StatusEnum.COMPLETED);
        assertThat(done.getCompletedAt()).isNotNull();
        assertThat(done.getAttemptsMade()).isEqualTo(1);

        List<TaskEvent> history = tasks.getTaskEvents(created.getId(), null);
        assertThat(history).extracting(TaskEvent::getToStatus).containsExactly(TaskEvent.ToStatusEnum.PENDING,
                TaskEvent.ToStatusEnum.ASSIGNED, TaskEvent.ToStatusEnum.IN_PROGRESS,
                TaskEvent.ToStatusEnum.COMPLETED);
        assertThat(history.get(0).getFromStatus()).isNull();

        List<Task> firstPage = tasks.listTasks(null, 1, 0, "completed", type, null, null);
        List<Task> secondPage = tasks.listTasks(null, 1, 1, "completed", type, null, null);
        assertThat(firstPage).hasSize(1);
        assertThat(secondPage).hasSize(1);
        assertThat(List.of(firstPage.get(0).getId(), secondPage.get(0).getId()))
                .containsExactlyInAnyOrder(created.getId(), delayed.getId());
        assertThat(tasks.listPendingTasks(10, 0, type, null)).isEmpty();
    }

    @Test
    void a_batch_is_created_and_reported_item_by_item() throws Exception {
        String type = Fixtures.unique("contract-batch");
        String key = Fixtures.unique("contract-batch-key");
        CreateTaskBatchRequest request = new CreateTaskBatchRequest().tasks(List.of(
                new CreateTaskBatchItem().type(type).priority(3).payload(Map.of("n", 1)).idempotencyKey(key),
                new CreateTaskBatchItem().type(type).priority(5000),
                new CreateTaskBatchItem().type(type).priority(3).payload(Map.of("n", 1)).idempotencyKey(key)));

        TaskBatchResult result = tasks.createTasks(request);

        assertThat(result.getCreated()).isEqualTo(1);
        assertThat(result.getReplayed()).isEqualTo(1);
        assertThat(result.getFailed()).isEqualTo(1);
        List<TaskBatchItemResult> items = result.getItems();
        assertThat(items).extracting(TaskBatchItemResult::getStatus).containsExactly(201, 400, 200);
        assertThat(items.get(2).getId()).isEqualTo(items.get(0).getId());
        assertThat(items.get(1).getProblem().getField()).isEqualTo("tasks[1].priority");
        Task created = tasks.getTask(items.get(0).getId(), null, null);
        assertThat(created.getPriority()).isEqualTo(3);
        assertThat(created.getPayload()).isEqualTo(Map.of("n", 1));
    }

    @Test
    void a_failed_task_reaches_the_dead_letters_and_a_redrive_runs_it_again() throws Exception {
        String type = Fixtures.unique("contract-dead");
        Task task = tasks.createTask(new CreateTaskRequest().type(type).retry(new RetryPolicyRequest().maxAttempts(1)),
                null);
        try (TestBot bot = bot(type)) {
            run(bot, false, null);
            Task failed = tasks.getTask(task.getId(), null, null);
            assertThat(failed.getStatus()).isEqualTo(Task.StatusEnum.FAILED);
            assertThat(failed.getErrorCode()).isEqualTo("bad_input");
            assertThat(tasks.listDeadLetters(10, 0, type, null)).extracting(Task::getId).containsExactly(task.getId());

            Task redriven = tasks.redriveTask(task.getId());
            assertThat(redriven.getStatus()).isEqualTo(Task.StatusEnum.PENDING);
            run(bot, true, Map.of("second", "time"));
        }
        assertThat(tasks.getTask(task.getId(), 10, null).getResult()).isEqualTo(Map.of("second", "time"));
        assertThat(tasks.listDeadLetters(10, 0, type, null)).isEmpty();
    }

    @Test
    void a_graph_workflow_from_json_runs_with_a_skipped_branch() throws Exception {
        String type = Fixtures.unique("contract-graph");
        Map<String, Object> definition = Map.of("name", "contract-graph", "steps", List.of(
                Map.of("id", "check", "type", type, "params", Map.of("what", "${input.target}"), "on_success",
                        List.of("ship"), "on_failure", List.of("alert")),
                Map.of("id", "ship", "type", type), Map.of("id", "alert", "type", type)));
        Workflow created = workflows.createWorkflow(
                new CreateWorkflowRequest().definition(definition).input(Map.of("target", "prod")), null);
        assertThat(created.getStatus()).isIn(Workflow.StatusEnum.PENDING, Workflow.StatusEnum.IN_PROGRESS);
        try (TestBot bot = bot(type)) {
            run(bot, true, Map.of());
            run(bot, true, Map.of());
        }
        WorkflowWithTasks done = workflows.getWorkflowTasks(created.getId(), null);
        assertThat(done.getWorkflow().getStatus()).isEqualTo(Workflow.StatusEnum.COMPLETED);
        assertThat(done.getTasks()).extracting(Task::getStatus).containsExactly(Task.StatusEnum.COMPLETED,
                Task.StatusEnum.COMPLETED, Task.StatusEnum.SKIPPED);
        assertThat(done.getTasks().get(0).getPayload()).isEqualTo(Map.of("what", "prod"));
        assertThat(done.getInput()).isEqualTo(Map.of("target", "prod"));
        assertThat(workflows.listWorkflows(500, 0, "completed", null)).extracting(Workflow::getId)
                .contains(created.getId());
    }

    @Test
    void a_stored_definition_runs_with_input() throws Exception {
        String type = Fixtures.unique("contract-def");
        String name = Fixtures.unique("contract-def");
        definitions.createWorkflowDefinition(new CreateWorkflowDefinitionRequest().name(name).definition(Map.of("name",
                "release", "steps", List.of(Map.of("id", "build", "type", type, "params",
                        Map.of("tag", "${input.tag}"))))),
                null);
        assertThat(definitions.getWorkflowDefinition(name, null).getVersion()).isEqualTo(1);
        Workflow run = definitions.startWorkflowDefinitionRun(name, UUID.randomUUID().toString(),
                new StartWorkflowRunRequest().input(Map.of("tag", "v1.2.3")).metadata(Map.of("by", "contract")));
        assertThat(run.getName()).isEqualTo("release");
        try (TestBot bot = bot(type)) {
            run(bot, true, Map.of());
        }
        WorkflowWithTasks done = workflows.getWorkflowTasks(run.getId(), null);
        assertThat(done.getTasks().get(0).getPayload()).isEqualTo(Map.of("tag", "v1.2.3"));
        assertThat(done.getWorkflow().getMetadata()).containsEntry("by", "contract");
    }

    @Test
    void a_schedule_is_created_previewed_disabled_and_deleted() throws Exception {
        Schedule schedule = schedules.createSchedule(new ScheduleRequest().name(Fixtures.unique("contract-sched"))
                .cron("0 3 * * *").timeZone("Europe/Paris").target(ScheduleRequest.TargetEnum.TASK)
                .misfirePolicy(ScheduleRequest.MisfirePolicyEnum.FIRE_ONCE)
                .template(Map.of("type", "nightly", "payload", Map.of("full", true))));
        assertThat(schedule.getEnabled()).isTrue();
        assertThat(schedule.getMisfirePolicy()).isEqualTo(Schedule.MisfirePolicyEnum.FIRE_ONCE);
        assertThat(schedule.getNextFireAt()).isNotNull();
        ScheduleFireTimes next = schedules.getScheduleFireTimes(schedule.getId(), 3, null);
        assertThat(next.getNextFireTimes()).hasSize(3);
        Schedule disabled = schedules.disableSchedule(schedule.getId());
        assertThat(disabled.getEnabled()).isFalse();
        assertThat(disabled.getNextFireAt()).isNull();
        schedules.deleteSchedule(schedule.getId());
        assertThatThrownBy(() -> schedules.getSchedule(schedule.getId(), null))
                .satisfies(e -> assertThat(problem(e).getStatus()).isEqualTo(404));
    }

    @Test
    void every_error_shape_is_a_problem_document_the_client_can_read() throws Exception {
        List<Problem> problems = new ArrayList<>();
        problems.add(problem(() -> tasks.getTask(UUID.randomUUID(), null, null)));
        problems.add(problem(() -> tasks.createTask(new CreateTaskRequest().priority(5000), null)));
        problems.add(problem(() -> tasks.listTasks(null, 0, null, null, null, null, null)));
        problems.add(problem(() -> new TasksApi(clientWith(null)).getTask(UUID.randomUUID(), null, null)));
        problems.add(problem(() -> new TasksApi(clientWith("cbk_not_a_key")).getTask(UUID.randomUUID(), null, null)));
        Task task = tasks.createTask(new CreateTaskRequest().type(Fixtures.unique("contract-err")), null);
        problems.add(problem(() -> tasks.redriveTask(task.getId())));
        String reader = Keys.issue("reader");
        problems.add(problem(() -> new TasksApi(clientWith(reader)).createTask(new CreateTaskRequest(), null)));
        String key = UUID.randomUUID().toString();
        tasks.createTask(new CreateTaskRequest().type(Fixtures.unique("contract-key")).priority(1), key);
        problems.add(problem(() -> tasks.createTask(new CreateTaskRequest().type("other").priority(2), key)));

        assertThat(problems).extracting(Problem::getStatus).containsExactly(404, 400, 400, 401, 401, 409, 403, 422);
        assertThat(problems.get(1).getField()).isEqualTo("priority");
        assertThat(problems.get(2).getField()).isEqualTo("limit");
        assertThat(problems).allSatisfy(p -> {
            assertThat(p.getType()).startsWith("urn:clawbot:problem:");
            assertThat(p.getTitle()).isNotBlank();
            assertThat(p.getDetail()).isNotBlank();
        });
    }

    private interface Call {
        Object call() throws ApiException;
    }

    private static Problem problem(Call call) {
        try {
            call.call();
        } catch (ApiException e) {
            return problem(e);
        }
        throw new AssertionError("the call succeeded");
    }

    private static Problem problem(Throwable thrown) {
        ApiException e = (ApiException) thrown;
        assertThat(e.getResponseHeaders().firstValue("Content-Type")).hasValue("application/problem+json");
        try {
            Problem problem = new ObjectMapper().readValue(e.getResponseBody(), Problem.class);
            assertThat(problem.getStatus()).isEqualTo(e.getCode());
            return problem;
        } catch (java.io.IOException io) {
            throw new AssertionError(io);
        }
    }
}
