package io.clawbot.coordinator.adapters.rest.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clawbot.coordinator.adapters.rest.access.Caller;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.common.Fingerprint;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.adapters.rest.common.ProblemMapper;
import io.clawbot.coordinator.adapters.rest.task.TaskBatchDtos.CreateTaskBatchRequest;
import io.clawbot.coordinator.adapters.rest.task.TaskBatchDtos.TaskBatchItemResponse;
import io.clawbot.coordinator.adapters.rest.task.TaskBatchDtos.TaskBatchResponse;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.CreateTaskRequest;
import io.clawbot.coordinator.application.task.SubmitTask;
import io.clawbot.coordinator.application.task.SubmitTaskCommand;
import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.DomainException;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Creates many tasks in one request and one transaction. Each item is read and checked on its own, so one bad
 * item is reported in its place while the others are created; only a body that is not a batch at all is refused
 * as a whole.
 */
@Path("/api/v1/tasks/batch")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tasks")
public class TaskBatchResource {

    private static final String PATH = "/api/v1/tasks/batch";
    private static final String KEY_FIELD = "idempotency_key";

    private final SubmitTask submission;
    private final ObjectMapper mapper;
    private final Fingerprint fingerprint;
    private final Caller caller;

    public TaskBatchResource(SubmitTask submission, ObjectMapper mapper, Fingerprint fingerprint, Caller caller) {
        this.submission = submission;
        this.mapper = mapper;
        this.fingerprint = fingerprint;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.SUBMITTER })
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreateTaskBatchRequest.class)))
    @Operation(operationId = "createTasks", summary = "Create up to 1,000 tasks in one request and one transaction", description = "Each item takes the fields of createTask and, instead of the Idempotency-Key header, an optional idempotency_key of its own, judged as the header is: the same key and fields replay the task first created for them (in this batch, an earlier one or a single createTask), the same key with other fields is refused with 422. Each item is checked on its own: the items that pass are created together in one transaction, and each item that does not is reported in its place with the problem a single createTask would have answered, and nothing of it is stored. The answer lists every item in order with its status (201 created, 200 replayed, or the problem's) and its task id. A batch counts as one request against the rate limits, and its body is held to the same size limit as any (1 MiB by default): send tasks with large payloads in smaller batches.")
    @APIResponse(responseCode = "200", description = "The batch was processed: the result of each item", content = @Content(schema = @Schema(implementation = TaskBatchResponse.class)))
    @APIResponse(responseCode = "400", description = "The body is not a JSON object with a tasks array of 1 to 1,000 items")
    @APIResponse(responseCode = "413", description = "The body is too large")
    @APIResponse(responseCode = "415", description = "The body is not JSON")
    public Uni<TaskBatchResponse> create(JsonNode body) {
        JsonNode tasks = tasksOf(body);
        Principal.Client client = caller.client();
        TaskBatchItemResponse[] items = new TaskBatchItemResponse[tasks.size()];
        List<SubmitTaskCommand> commands = new ArrayList<>(tasks.size());
        List<Integer> positions = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            String at = "tasks[" + i + "]";
            try {
                commands.add(command(tasks.get(i), client));
                positions.add(i);
            } catch (DomainException e) {
                items[i] = refused(i, e, at);
            } catch (JsonProcessingException e) {
                items[i] = refused(i, ProblemMapper.jsonProblem(e, PATH, at));
            }
        }
        return submission.submitAll(commands).map(outcomes -> {
            for (int j = 0; j < outcomes.size(); j++) {
                SubmitTask.Outcome outcome = outcomes.get(j);
                int i = positions.get(j);
                items[i] = outcome.refusal() != null
                        ? refused(i, outcome.refusal(), "tasks[" + i + "]")
                        : new TaskBatchItemResponse(i, outcome.replayed() ? 200 : 201, outcome.id().value(), null);
            }
            int created = 0;
            int replayed = 0;
            for (TaskBatchItemResponse item : items) {
                created += item.status() == 201 ? 1 : 0;
                replayed += item.status() == 200 ? 1 : 0;
            }
            return new TaskBatchResponse(created, replayed, items.length - created - replayed, List.of(items));
        });
    }

    private static JsonNode tasksOf(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ValidationException("body", "must be a JSON object with tasks: an array of 1 to "
                    + SubmitTask.MAX_BATCH + " tasks");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("tasks")) {
                throw new ValidationException(name, "unknown field '" + name + "'");
            }
        }
        JsonNode tasks = body.get("tasks");
        if (tasks == null || !tasks.isArray() || tasks.isEmpty() || tasks.size() > SubmitTask.MAX_BATCH) {
            throw new ValidationException("tasks", "must be an array of 1 to " + SubmitTask.MAX_BATCH + " tasks");
        }
        return tasks;
    }

    /** One item as a submission, checked as createTask checks its body and header. */
    private SubmitTaskCommand command(JsonNode node, Principal.Client client) throws JsonProcessingException {
        if (!(node instanceof ObjectNode item)) {
            throw new ValidationException("", "must be a JSON object");
        }
        JsonNode keyNode = item.remove(KEY_FIELD);
        if (keyNode != null && !keyNode.isNull() && !keyNode.isTextual()) {
            throw new ValidationException(KEY_FIELD, "must be a string");
        }
        CreateTaskRequest request = mapper.treeToValue(item, CreateTaskRequest.class);
        IdempotencyKey key;
        try {
            key = fingerprint.key(keyNode == null || keyNode.isNull() ? null : keyNode.textValue(), request, client);
        } catch (ValidationException e) {
            throw new ValidationException(KEY_FIELD, e.detail());
        }
        return new SubmitTaskCommand(request.toSpec(), key, client, request.priority() != null,
                request.timeoutSeconds() != null, request.toConcurrency(),
                request.toFairShare(), request.toRateLimit());
    }

    private static TaskBatchItemResponse refused(int index, DomainException e, String at) {
        DomainException placed = switch (e) {
            case ValidationException v -> v.field().isEmpty()
                    ? new ValidationException(at, v.detail(), v.violations())
                    : v.under(at);
            default -> e;
        };
        Problem problem = ProblemMapper.problem(placed, PATH);
        if (e instanceof IdempotencyKeyReusedException) {
            problem = new Problem(problem.type(), problem.title(), problem.status(), problem.detail(),
                    problem.instance(), at + "." + KEY_FIELD, problem.errors());
        }
        return refused(index, problem);
    }

    private static TaskBatchItemResponse refused(int index, Problem problem) {
        return new TaskBatchItemResponse(index, problem.status(), null, problem);
    }
}
