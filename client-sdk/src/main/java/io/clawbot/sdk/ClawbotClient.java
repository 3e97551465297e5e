package io.clawbot.sdk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.client.ApiClient;
import io.clawbot.client.ApiException;
import io.clawbot.client.api.StatusApi;
import io.clawbot.client.api.TasksApi;
import io.clawbot.client.api.WorkflowDefinitionsApi;
import io.clawbot.client.api.WorkflowsApi;
import io.clawbot.client.model.CreateTaskRequest;
import io.clawbot.client.model.Problem;
import io.clawbot.client.model.StartWorkflowRunRequest;
import io.clawbot.client.model.Status;
import io.clawbot.client.model.Task;
import io.clawbot.client.model.TaskExplanation;
import io.clawbot.client.model.Workflow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A client of the coordinator's API for programs that submit work (seed 001's {@code WorkflowClient}): submit a
 * task and wait for its end, make submissions safe to repeat with idempotency keys, run workflows from YAML or from
 * stored definitions and wait for them, and follow a task's transitions and progress as they happen.
 *
 * <p>
 * Waiting uses the API's {@code ?wait=} (the coordinator answers as soon as the work ends), so a wait costs one
 * request per minute at most, not polling. Every refusal is a {@link ClawbotException} carrying the problem
 * document. Thread-safe.
 *
 * <pre>{@code
 * ClawbotClient client = ClawbotClient.connect(URI.create("http://localhost:8080"), System.getenv("CLAWBOT_KEY"));
 * Task done = client.submitAndWait(new CreateTaskRequest().type("build").payload(Map.of("repo", "app")),
 *         "build-app-42", Duration.ofMinutes(10));
 * }</pre>
 */
public final class ClawbotClient {

    /** The longest single {@code ?wait=} the API takes. */
    static final int MAX_WAIT_SECONDS = 60;

    private static final Set<Task.StatusEnum> TASK_ENDS = EnumSet.of(Task.StatusEnum.COMPLETED,
            Task.StatusEnum.FAILED, Task.StatusEnum.TIMED_OUT, Task.StatusEnum.CANCELLED, Task.StatusEnum.SKIPPED);
    private static final Set<Workflow.StatusEnum> WORKFLOW_ENDS = EnumSet.of(Workflow.StatusEnum.COMPLETED,
            Workflow.StatusEnum.FAILED, Workflow.StatusEnum.CANCELLED);

    private final URI base;
    private final String key;
    private final TasksApi tasks;
    private final WorkflowsApi workflows;
    private final WorkflowDefinitionsApi definitions;
    private final StatusApi status;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ClawbotClient(URI base, String key) {
        this.base = Objects.requireNonNull(base, "base");
        this.key = Objects.requireNonNull(key, "key");
        ApiClient api = new ApiClient();
        api.updateBaseUri(base.toString());
        api.setReadTimeout(Duration.ofSeconds(MAX_WAIT_SECONDS + 30));
        api.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
        this.tasks = new TasksApi(api);
        this.workflows = new WorkflowsApi(api);
        this.definitions = new WorkflowDefinitionsApi(api);
        this.status = new StatusApi(api);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A client of the coordinator at {@code base} (e.g. {@code http://localhost:8080}) with an API key. */
    public static ClawbotClient connect(URI base, String apiKey) {
        return new ClawbotClient(base, apiKey);
    }

    /**
     * Submits a task. With an idempotency key, a repeat of the same request (after a timeout, a crash, a retry)
     * answers the task the first one created instead of creating another.
     *
     * @param idempotencyKey up to 255 characters; {@code null} for none
     */
    public Task submit(CreateTaskRequest request, String idempotencyKey) {
        return call(() -> tasks.createTask(request, idempotencyKey));
    }

    /** Submits a task and waits until it has ended, or {@code timeout} has passed (then answers it as it is). */
    public Task submitAndWait(CreateTaskRequest request, String idempotencyKey, Duration timeout) {
        return awaitTask(submit(request, idempotencyKey).getId(), timeout);
    }

    public Task task(UUID id) {
        return call(() -> tasks.getTask(id, null, null));
    }

    /** Waits until the task has ended, or {@code timeout} has passed; answers the task as it is then. */
    public Task awaitTask(UUID id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            int seconds = waitSeconds(deadline);
            Task task = call(() -> tasks.getTask(id, seconds, null));
            if (TASK_ENDS.contains(task.getStatus()) || seconds == 0) {
                return task;
            }
        }
    }

    /** Why a task is not running, in codes and words. */
    public TaskExplanation explain(UUID id) {
        return call(() -> tasks.explainTask(id, null));
    }

    /** The work and the fleet at a glance. */
    public Status status() {
        return call(() -> status.getStatus(null));
    }

    /**
     * Creates a workflow from a YAML definition (seed 001's {@code submit_and_start_workflow}) and starts it.
     *
     * @param idempotencyKey {@code null} for none
     */
    public Workflow submitAndStartWorkflow(Path yaml, String idempotencyKey) {
        String document;
        try {
            document = Files.readString(yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ClawbotException(0, null, "cannot read " + yaml + ": " + e.getMessage(), e);
        }
        return call(() -> workflows.createWorkflowFromYaml(document, true, idempotencyKey));
    }

    /** Runs a stored workflow definition (its latest version) with {@code input}. */
    public Workflow runDefinition(String name, Map<String, Object> input, String idempotencyKey) {
        return call(() -> definitions.startWorkflowDefinitionRun(name, idempotencyKey,
                new StartWorkflowRunRequest().input(input)));
    }

    public Workflow workflow(UUID id) {
        return call(() -> workflows.getWorkflow(id, null, null));
    }

    /** Waits until the workflow has ended, or {@code timeout} has passed; answers it as it is then. */
    public Workflow awaitWorkflow(UUID id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            int seconds = waitSeconds(deadline);
            Workflow workflow = call(() -> workflows.getWorkflow(id, seconds, null));
            if (WORKFLOW_ENDS.contains(workflow.getStatus()) || seconds == 0) {
                return workflow;
            }
        }
    }

    /**
     * Follows a task's stream until it ends, handing each event to {@code events} on this thread: the task,
     * each transition, each progress report and the end. Returns when the task has ended (or the stream was
     * closed by the coordinator).
     *
     * @param afterEntry resume after this history entry ({@link TaskEvent#id()}); {@code null} from the start
     */
    public void follow(UUID taskId, String afterEntry, Consumer<TaskEvent> events) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/v1/tasks/" + taskId + "/stream"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream");
        if (afterEntry != null) {
            request.header("Last-Event-ID", afterEntry);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ClawbotException(0, null, "no answer from " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClawbotException(0, null, "interrupted", e);
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw refusal(response.statusCode(), lines.lines().reduce("", String::concat));
            }
            ServerSentEvents.read(lines, event -> events.accept(new TaskEvent(event.name(), event.id(),
                    parse(event.data()))));
        } catch (IOException e) {
            throw new ClawbotException(0, null, "the stream of task " + taskId + " broke: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> parse(String data) {
        try {
            return json.readValue(data, new TypeReference<Map<String, Object>>() {
            });
        } catch (IOException e) {
            throw new ClawbotException(0, null, "an event that is not a JSON object: " + e.getMessage(), e);
        }
    }

    private static int waitSeconds(Instant deadline) {
        long left = Duration.between(Instant.now(), deadline).toSeconds();
        return (int) Math.max(0, Math.min(MAX_WAIT_SECONDS, left));
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws ApiException;
    }

    private <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (ApiException e) {
            throw refusal(e.getCode(), e.getResponseBody());
        }
    }

    private ClawbotException refusal(int code, String body) {
        Problem problem = null;
        if (body != null && !body.isBlank()) {
            try {
                problem = json.readValue(body, Problem.class);
            } catch (IOException ignored) {
                // Not a problem document (a proxy's page): the status says enough.
            }
        }
        String message = problem != null && problem.getDetail() != null
                ? problem.getDetail()
                : code == 0 ? "no answer from " + base : "HTTP " + code;
        return new ClawbotException(code, problem, message, null);
    }
}
