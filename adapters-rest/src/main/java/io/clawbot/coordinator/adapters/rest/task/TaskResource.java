package io.clawbot.coordinator.adapters.rest.task;

import jakarta.annotation.security.RolesAllowed;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.access.Audit;
import io.clawbot.coordinator.adapters.rest.access.Caller;
import io.clawbot.coordinator.adapters.rest.common.Created;
import io.clawbot.coordinator.adapters.rest.common.Fingerprint;
import io.clawbot.coordinator.adapters.rest.common.OptionalJsonBody;
import io.clawbot.coordinator.adapters.rest.common.PageBytes;
import io.clawbot.coordinator.adapters.rest.common.KnownBeforeStreaming;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.AssignTaskRequest;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.CancelTaskRequest;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.CompleteTaskRequest;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.CreateTaskRequest;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.ExplanationResponse;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.FailTaskRequest;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.StartTaskRequest;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.TaskEventResponse;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.TaskResponse;
import io.clawbot.coordinator.application.insight.ExplainTask;
import io.clawbot.coordinator.application.task.AssignTask;
import io.clawbot.coordinator.application.task.CancelTask;
import io.clawbot.coordinator.application.task.DeleteTask;
import io.clawbot.coordinator.application.task.RedriveTask;
import io.clawbot.coordinator.application.task.ReportTask;
import io.clawbot.coordinator.application.task.Reported;
import io.clawbot.coordinator.application.task.SubmitTask;
import io.clawbot.coordinator.application.task.SubmitTaskCommand;
import io.clawbot.coordinator.application.task.TaskQueries;
import io.clawbot.coordinator.application.task.TaskReport;
import io.clawbot.coordinator.application.task.TaskWatch;
import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tasks", description = "Submit tasks and follow them to a terminal state")
public class TaskResource {

    private final SubmitTask submission;
    private final TaskQueries queries;
    private final AssignTask assignment;
    private final ReportTask reports;
    private final CancelTask cancellation;
    private final RedriveTask redrive;
    private final DeleteTask deletion;
    private final Fingerprint fingerprint;
    private final OptionalJsonBody optionalBody;
    private final Caller caller;
    private final Audit audit;
    private final PageBytes pages;
    private final TaskWatch watch;
    private final ExplainTask explanations;

    public TaskResource(SubmitTask submission, TaskQueries queries, AssignTask assignment, ReportTask reports,
            CancelTask cancellation, RedriveTask redrive, DeleteTask deletion, Fingerprint fingerprint,
            OptionalJsonBody optionalBody, Caller caller, Audit audit, PageBytes pages, TaskWatch watch,
            ExplainTask explanations) {
        this.watch = watch;
        this.explanations = explanations;
        this.caller = caller;
        this.audit = audit;
        this.pages = pages;
        this.submission = submission;
        this.queries = queries;
        this.assignment = assignment;
        this.reports = reports;
        this.cancellation = cancellation;
        this.redrive = redrive;
        this.deletion = deletion;
        this.fingerprint = fingerprint;
        this.optionalBody = optionalBody;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.SUBMITTER })
    @Operation(operationId = "createTask", summary = "Create a task; it is pending until a bot takes it", description = "The task is stored as pending at once and taken by a bot that has its type as a capability (any bot when it has none), highest priority first and not before its run_at or delay_seconds, at most 7 days ahead. With an Idempotency-Key, a repeat with the same body within the retention period (24 hours by default) answers 200 with the original task and Idempotent-Replayed: true, and the same key with another body answers 422. A key limited to certain task types gets 403 for any other type.")
    @Parameter(name = Fingerprint.HEADER, in = ParameterIn.HEADER, description = "Makes the request safe to repeat: the same key and body return the original task")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "200", description = "A repeat of an earlier request with the same Idempotency-Key: the original task", content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, a wrong type or an invalid field")
    @APIResponse(responseCode = "413", description = "The body is too large")
    @APIResponse(responseCode = "415", description = "The body is not JSON")
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another body")
    public Uni<Response> create(CreateTaskRequest request, @HeaderParam(Fingerprint.HEADER) String idempotencyKey) {
        if (request == null) {
            throw new ValidationException("body", "a JSON object is required");
        }
        TaskSpec spec = request.toSpec();
        Principal.Client client = caller.client();
        return submission.submit(new SubmitTaskCommand(spec, fingerprint.key(idempotencyKey, request, client), client,
                request.priority() != null, request.timeoutSeconds() != null, request.toConcurrency(),
                request.toFairShare(), request.toRateLimit()))
                .map(created -> Created.response(created, TaskResponse::of, t -> "/api/v1/tasks/" + t.id()));
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "listTasks", summary = "List tasks, oldest first, filtered by status, bot, workflow or type", description = "The filters combine and match exactly; limit (1-500, default 50) and offset page through the list, and a page stops early, before it passes the page byte limit (4 MiB by default). A key confined to its own work sees only the tasks it created.")
    @APIResponse(responseCode = "200", description = "A page of tasks; one cut short by its size names the next offset in a Link header", content = @Content(schema = @Schema(implementation = TaskResponse.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "Invalid filter or page")
    public Uni<Response> list(@QueryParam("status") String status, @QueryParam("bot_id") String botId,
            @QueryParam("workflow_id") String workflowId, @QueryParam("type") String type,
            @QueryParam("limit") String limit, @QueryParam("offset") String offset, @Context UriInfo uri) {
        UUID bot = Params.optionalUuid("bot_id", botId);
        UUID workflow = Params.optionalUuid("workflow_id", workflowId);
        TaskQuery query = new TaskQuery(Params.optionalEnum("status", status, TaskStatus.values(), TaskStatus::wire),
                bot == null ? null : new BotId(bot), workflow == null ? null : new WorkflowId(workflow), type,
                TaskQuery.Order.CREATED).ownedBy(caller.readScope());
        PageRequest page = Params.page(limit, offset);
        return queries.list(query, page).map(tasks -> pages.page(tasks, TaskResponse::of, page, uri));
    }

    @GET
    @Path("/pending")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "listPendingTasks", summary = "List pending tasks in the order bots take them: highest priority, then oldest", description = "Optionally of one type; tasks whose run_at or retry backoff lies ahead are listed too, though no bot takes them before then, and workflow steps still waiting for their turn are not. Pages take limit and offset; a key confined to its own work sees only the tasks it created.")
    @APIResponse(responseCode = "200", description = "A page of pending tasks (see listTasks for pages cut short)", content = @Content(schema = @Schema(implementation = TaskResponse.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "Invalid page")
    public Uni<Response> pending(@QueryParam("type") String type, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset, @Context UriInfo uri) {
        PageRequest page = Params.page(limit, offset);
        return queries.list(TaskQuery.pending(type).ownedBy(caller.readScope()), page)
                .map(tasks -> pages.page(tasks, TaskResponse::of, page, uri));
    }

    @GET
    @Path("/dead-letters")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "listDeadLetters", summary = "List the dead-letter tasks: failed or timed out with no retry left, most recently ended first", description = "Optionally of one type, paged with limit and offset. Standalone tasks listed here can be put back in the queue with redriveTask; workflow steps are listed too but cannot be redriven on their own. A key confined to its own work sees only the tasks it created.")
    @APIResponse(responseCode = "200", description = "A page of failed and timed-out tasks (see listTasks for pages cut short)", content = @Content(schema = @Schema(implementation = TaskResponse.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "Invalid page")
    public Uni<Response> deadLetters(@QueryParam("type") String type, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset, @Context UriInfo uri) {
        PageRequest page = Params.page(limit, offset);
        return queries.list(TaskQuery.deadLetters(type).ownedBy(caller.readScope()), page)
                .map(tasks -> pages.page(tasks, TaskResponse::of, page, uri));
    }

    @POST
    @Path("/{task_id}/redrive")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "redriveTask", summary = "Put a failed or timed-out task back in the queue with a fresh set of attempts", description = "The task becomes pending at once with its payload and retry policy; the attempts made before no longer count against max_attempts, and attempt numbers keep rising, so reports about old attempts stay stale. Any other status, or a workflow step, answers 409.")
    @APIResponse(responseCode = "200", description = "The task, pending again", content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID")
    @APIResponse(responseCode = "404", description = "No such task")
    @APIResponse(responseCode = "409", description = "The task is not failed or timed out, or is a workflow step")
    public Uni<TaskResponse> redrive(@PathParam("task_id") String taskId) {
        return audit.after(redrive.redrive(id(taskId), caller.principal().actor()), "task.redrive", taskId)
                .map(TaskResponse::of);
    }

    @GET
    @Path("/{task_id}/events")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "getTaskEvents", summary = "Get a task's history: every transition, oldest first, with who caused it and why", description = "Each entry gives the status before and after, the attempt, the actor (api, system, key:<name> or bot:<id>), a cause code and a reason; the creation comes first. A key confined to its own work gets 404 for a task it did not create.")
    @APIResponse(responseCode = "200", description = "The task's history")
    @APIResponse(responseCode = "400", description = "The id is not a UUID")
    @APIResponse(responseCode = "404", description = "No such task")
    public Uni<List<TaskEventResponse>> events(@PathParam("task_id") String taskId) {
        return queries.history(id(taskId), caller.readScope())
                .map(events -> events.stream().map(TaskEventResponse::of).toList());
    }

    @GET
    @Path("/{task_id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "getTask", summary = "Get a task; with wait, once it has ended", description = "Answers the task's current state: status, attempt, the bot holding it, its result or last error, its deadlines and its latest progress. With wait=N (seconds, up to 60), answers as soon as the task is completed, failed, timed out or cancelled, or after N seconds with its state then, whichever comes first; the waiting costs the coordinator no thread and no database connection, and sees the task end on any replica. A key confined to its own work gets 404 for a task it did not create, as for an unknown id.")
    @APIResponse(responseCode = "200", description = "The task", content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID, or wait is not 0 to 60")
    @APIResponse(responseCode = "404", description = "No such task")
    @APIResponse(responseCode = "503", description = "This replica serves as many waiting clients as it may; Retry-After says when to try again")
    public Uni<TaskResponse> get(@PathParam("task_id") String taskId, @QueryParam("wait") String wait) {
        Duration max = Params.wait(wait);
        return queries.get(id(taskId), caller.readScope()).flatMap(task -> watch.untilEnded(task, max))
                .map(TaskResponse::of);
    }

    @GET
    @Path("/{task_id}/explain")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "explainTask", summary = "Why is this task not running?", description = "For a pending task: its type paused (by whom, since when, why), delayed until when, no bot registered with its type, none connected, all busy (their slots and how many tasks come before it), behind other tasks, or about to be dispatched; for a waiting workflow step, the steps it waits for; for any other task, that it runs, waits for a bot's acceptance or has ended. Each reason has a stable code and a message.")
    @APIResponse(responseCode = "200", description = "The explanation", content = @Content(schema = @Schema(implementation = ExplanationResponse.class)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID")
    @APIResponse(responseCode = "404", description = "No such task")
    public Uni<ExplanationResponse> explain(@PathParam("task_id") String taskId) {
        return explanations.explain(id(taskId), caller.readScope()).map(ExplanationResponse::of);
    }

    @GET
    @Path("/{task_id}/stream")
    @KnownBeforeStreaming
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "streamTask", summary = "Follow a task as Server-Sent Events until it ends", description = "Sends the task first (event task), then each entry of its history as it is written (event transition, its id the entry's place in the history, from 1) and each progress a bot reports (event progress), and the task once it has ended (event end), after which the stream closes. A client that reconnects with Last-Event-ID gets the history entries after that one. Changes reach the stream within coordinator.watch.interval (200 ms), whichever replica made them.")
    @APIResponse(responseCode = "200", description = "The stream of events", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING, description = "text/event-stream: events task, transition, progress and end, each with JSON data")))
    @APIResponse(responseCode = "400", description = "The id is not a UUID, or Last-Event-ID is not a number")
    @APIResponse(responseCode = "404", description = "No such task")
    @APIResponse(responseCode = "503", description = "This replica serves as many waiting clients as it may; Retry-After says when to try again")
    public Multi<OutboundSseEvent> stream(@PathParam("task_id") String taskId,
            @Parameter(description = "The id of the last transition event received: the stream resumes after it") @HeaderParam("Last-Event-ID") String lastEventId,
            @Context Sse sse) {
        TaskId id = id(taskId);
        Integer resumeAfter = Params.optionalInt("Last-Event-ID", lastEventId);
        TaskStream stream = new TaskStream(sse, queries, resumeAfter == null ? 0 : Math.max(0, resumeAfter));
        return queries.get(id, caller.readScope()).onItem().transformToMulti(first -> {
            Multi<Task> states = first.status().isTerminal()
                    ? Multi.createFrom().item(first)
                    : Multi.createBy().concatenating().streams(Multi.createFrom().item(first), watch.changes(id));
            return states.onItem().transformToMultiAndConcatenate(stream::events);
        });
    }

    @POST
    @Path("/{task_id}/assign")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "assignTask", summary = "Assign a pending task to a bot with its capability, as a new attempt", description = "Bypasses the queue: the task goes to the bot as a new attempt and is pushed over the bot's WebSocket, on whichever replica holds it; the bot's status and free slots are not checked, and an assignment the bot does not accept within the acknowledgement timeout ends that attempt. Assigning an assigned task again to the same bot answers 200 and changes nothing.")
    @APIResponse(responseCode = "200", description = "The assigned task", content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid body")
    @APIResponse(responseCode = "404", description = "No such task or bot")
    @APIResponse(responseCode = "409", description = "The task is not pending or the bot lacks the capability")
    public Uni<TaskResponse> assign(@PathParam("task_id") String taskId, AssignTaskRequest request) {
        if (request == null || request.botId() == null) {
            throw new ValidationException("bot_id", "is required");
        }
        return audit.after(assignment.assign(id(taskId), new BotId(request.botId()), caller.principal().actor()),
                "task.assign", taskId).map(TaskResponse::of);
    }

    @POST
    @Path("/{task_id}/start")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StartTaskRequest.class)))
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.BOT })
    @Operation(operationId = "startTask", summary = "Report that the bot started an assigned task", description = "Moves an assigned task to in_progress; its execution timeout (timeout_seconds) starts counting. The optional body fences the report with attempt and bot_id (a stale attempt, or a task another bot holds, answers 409); a bot's own token always fences it to that bot, and a bot_id naming another bot answers 403. Repeating the report once the task is running answers 200 and changes nothing.")
    @APIResponse(responseCode = "200", description = "The running task (also for a repeated report)", content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid body")
    @APIResponse(responseCode = "404", description = "No such task")
    @APIResponse(responseCode = "409", description = "The task is not assigned, or the attempt or bot is stale")
    public Uni<TaskResponse> start(@PathParam("task_id") String taskId, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        StartTaskRequest request = optionalBody.read(body, contentType, StartTaskRequest.class);
        Fence fence = request == null
                ? fence(null, null)
                : fence(request.attempt(), request.botId());
        return audit.after(reports.report(new TaskReport.Start(id(taskId), fence, caller.principal().actor())),
                "task.start", taskId).map(TaskResource::response);
    }

    @POST
    @Path("/{task_id}/complete")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CompleteTaskRequest.class)))
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.BOT })
    @Operation(operationId = "completeTask", summary = "Report that a task finished with a result", description = "Moves an assigned or running task to completed with the result (an empty object when left out); starting it first is not required. Fencing works as for startTask; a repeat answers 200 with the stored result and changes nothing. In a workflow, the steps this completion releases become pending in the same write.")
    @APIResponse(responseCode = "200", description = "The completed task (also for a repeated report)", content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid body")
    @APIResponse(responseCode = "404", description = "No such task")
    @APIResponse(responseCode = "409", description = "The task is not held by a bot, or the attempt or bot is stale")
    public Uni<TaskResponse> complete(@PathParam("task_id") String taskId, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        CompleteTaskRequest request = optionalBody.read(body, contentType, CompleteTaskRequest.class);
        if (request == null) {
            request = new CompleteTaskRequest(null, null, null);
        }
        return audit.after(reports.report(new TaskReport.Complete(id(taskId), fence(request.attempt(),
                request.botId()), caller.principal().actor(), request.result())), "task.complete", taskId)
                .map(TaskResource::response);
    }

    @POST
    @Path("/{task_id}/fail")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.BOT })
    @Operation(operationId = "failTask", summary = "Report that a task failed", description = "Ends the current attempt with error and an optional error_code: while the retry policy allows another attempt and does not list the code as non-retryable, the task goes back to pending after the policy's backoff; otherwise it becomes failed. Fencing works as for startTask; a repeat that names the same attempt answers 200 and changes nothing.")
    @APIResponse(responseCode = "200", description = "The failed task (also for a repeated report)", content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid body")
    @APIResponse(responseCode = "404", description = "No such task")
    @APIResponse(responseCode = "409", description = "The task is not held by a bot, or the attempt or bot is stale")
    public Uni<TaskResponse> fail(@PathParam("task_id") String taskId, FailTaskRequest request) {
        if (request == null) {
            throw new ValidationException("error", "is required");
        }
        return audit.after(reports.report(new TaskReport.Fail(id(taskId), fence(request.attempt(), request.botId()),
                caller.principal().actor(), request.error(), request.errorCode())), "task.fail", taskId)
                .map(TaskResource::response);
    }

    @POST
    @Path("/{task_id}/cancel")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CancelTaskRequest.class)))
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "cancelTask", summary = "Cancel an open task; a workflow's later steps are cancelled with it", description = "Moves a waiting, pending, assigned or running task to cancelled, with the optional reason in its history, and tells a bot holding it to stop. In a workflow, steps that depend on it are skipped, while always_run steps still run. Cancelling a cancelled task answers 200 and changes nothing; a completed, failed, timed-out or skipped task answers 409.")
    @APIResponse(responseCode = "200", description = "The cancelled task (also when it already was)", content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "404", description = "No such task")
    @APIResponse(responseCode = "409", description = "The task already finished")
    public Uni<TaskResponse> cancel(@PathParam("task_id") String taskId, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        CancelTaskRequest request = optionalBody.read(body, contentType, CancelTaskRequest.class);
        return audit.after(cancellation.cancel(id(taskId), request == null ? null : request.reason(),
                caller.principal().actor()), "task.cancel", taskId).map(TaskResponse::of);
    }

    @DELETE

    @Produces({ MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE })
    @Path("/{task_id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "deleteTask", summary = "Delete a standalone task that no bot holds", description = "Removes the task and its history for good, in any status but assigned and in_progress, and releases its Idempotency-Key: a repeat of the creating request then creates a new task. A workflow step answers 409 (delete the workflow instead), as does a task that changed while it was being deleted.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such task")
    @APIResponse(responseCode = "409", description = "A bot holds the task, or it belongs to a workflow")
    public Uni<Response> delete(@PathParam("task_id") String taskId) {
        return audit.after(deletion.delete(id(taskId)), "task.delete", taskId)
                .map(ignored -> Response.noContent().build());
    }

    private static TaskId id(String value) {
        return new TaskId(Params.uuid("task_id", value));
    }

    /**
     * The fence of a report. A bot's own token fences it to the tasks that bot holds, whatever the body says (a
     * {@code bot_id} naming another bot is refused); a client's fence is what its body says.
     */
    private Fence fence(Integer attempt, UUID botId) {
        if (attempt != null && attempt < 1) {
            throw new ValidationException("attempt", "must be 1 or more");
        }
        BotId claimed = botId == null ? null : new BotId(botId);
        BotId self = caller.bot();
        if (self != null) {
            if (claimed != null) {
                caller.checkActsFor(claimed);
            }
            return new Fence(attempt, self);
        }
        return new Fence(attempt, claimed);
    }

    private static TaskResponse response(Reported reported) {
        return TaskResponse.of(reported.task());
    }

}
