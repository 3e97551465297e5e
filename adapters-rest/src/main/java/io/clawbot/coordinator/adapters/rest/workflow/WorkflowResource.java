package io.clawbot.coordinator.adapters.rest.workflow;

import io.clawbot.coordinator.application.workflow.DecideApproval;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.DecisionRequest;
import java.time.Duration;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.core.Context;
import io.smallrye.mutiny.Multi;
import io.clawbot.coordinator.application.workflow.WorkflowWithTasks;
import io.clawbot.coordinator.application.workflow.WorkflowWatch;
import jakarta.annotation.security.RolesAllowed;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.access.Audit;
import io.clawbot.coordinator.adapters.rest.access.Caller;
import io.clawbot.coordinator.adapters.rest.common.Created;
import io.clawbot.coordinator.adapters.rest.common.Fingerprint;
import io.clawbot.coordinator.adapters.rest.common.OptionalJsonBody;
import io.clawbot.coordinator.adapters.rest.common.KnownBeforeStreaming;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.adapters.rest.common.YamlDocuments;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.CancelWorkflowRequest;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.CreateWorkflowRequest;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.WorkflowResponse;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.WorkflowTasksResponse;
import io.clawbot.coordinator.application.workflow.CancelWorkflow;
import io.clawbot.coordinator.application.workflow.CreateWorkflowCommand;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowDocument;
import io.clawbot.coordinator.domain.workflow.WorkflowQuery;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
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
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/workflows")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Workflows", description = "Sequential workflows: a list of task payloads run in order")
public class WorkflowResource {

    private final WorkflowLifecycle workflows;
    private final CancelWorkflow cancellation;
    private final Fingerprint fingerprint;
    private final OptionalJsonBody optionalBody;

    private final Caller caller;
    private final Audit audit;
    private final WorkflowWatch watch;
    private final DecideApproval approvals;

    public WorkflowResource(WorkflowLifecycle workflows, CancelWorkflow cancellation, Fingerprint fingerprint,
            OptionalJsonBody optionalBody, Caller caller, Audit audit, WorkflowWatch watch,
            DecideApproval approvals) {
        this.approvals = approvals;
        this.watch = watch;
        this.caller = caller;
        this.audit = audit;
        this.workflows = workflows;
        this.cancellation = cancellation;
        this.fingerprint = fingerprint;
        this.optionalBody = optionalBody;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.SUBMITTER })
    @Operation(operationId = "createWorkflow", summary = "Create a workflow: a graph (definition, input) or one task per payload run in order (task_payloads)", description = "With a definition, steps run by their depends_on, on_success, on_failure and always_run, their params resolved from the input and earlier results; with task_payloads, each step waits for the one before. The whole graph is checked first (a fault answers 400 with its path), and unless auto_start is false the first steps are pending at once. An Idempotency-Key works as for createTask, with keys kept apart from those of tasks; a key limited to certain task types gets 403 for a step of any other type.")
    @Parameter(name = Fingerprint.HEADER, in = ParameterIn.HEADER, description = "Makes the request safe to repeat: the same key and body return the original workflow")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "200", description = "A repeat of an earlier request with the same Idempotency-Key: the original workflow", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, a wrong type or an invalid field")
    @APIResponse(responseCode = "413", description = "The body is too large")
    @APIResponse(responseCode = "415", description = "The body is not JSON")
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another body")
    public Uni<Response> create(CreateWorkflowRequest request, @HeaderParam(Fingerprint.HEADER) String idempotencyKey) {
        if (request == null) {
            throw new ValidationException("body", "a JSON object is required");
        }
        IdempotencyKey key = fingerprint.key(idempotencyKey, request, caller.client());
        CreateWorkflowCommand command = request.definition() == null
                ? CreateWorkflowCommand.of(request.name(), request.description(), request.taskType(),
                        request.priority(), request.timeoutSeconds(), request.taskPayloads(), request.metadata(),
                        request.autoStart(), key)
                : fromDefinition(request, key);
        command = command.withRetry(request.retry() == null ? null : request.retry().toOverrides())
                .by(caller.client());
        boolean document = request.definition() != null;
        return workflows.create(command)
                // A step's condition is checked against the graph as created; its place is in the definition.
                .onFailure(ValidationException.class).transform(e -> document
                        && ((ValidationException) e).field().matches("steps\\[\\d+]\\.when")
                                ? ((ValidationException) e).under("definition")
                                : e)
                .map(created -> Created.response(created, w -> WorkflowResponse.of(w.workflow()),
                        w -> "/api/v1/workflows/" + w.workflow().id()));
    }

    /** A graph given in JSON: the seed 000 fields that describe steps do not apply. */
    private static CreateWorkflowCommand fromDefinition(CreateWorkflowRequest request, IdempotencyKey key) {
        return CreateWorkflowCommand.ofDocument(request.definition(), field -> switch (field) {
            case "name" -> request.name();
            case "description" -> request.description();
            // Clients generated from the document send an empty list for an array they were not given.
            case "task_payloads" -> request.taskPayloads() == null || request.taskPayloads().isEmpty()
                    ? null
                    : request.taskPayloads();
            case "task_type" -> request.taskType();
            case "priority" -> request.priority();
            case "timeout_seconds" -> request.timeoutSeconds();
            default -> null;
        }, request.input(), request.metadata(), request.autoStart(), key);
    }

    @POST
    @Path("/from-yaml")
    @Consumes({ MediaType.TEXT_PLAIN, "application/yaml", "text/yaml", "application/x-yaml" })
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.SUBMITTER })
    @Operation(operationId = "createWorkflowFromYaml", summary = "Create a workflow from a YAML definition (seed 001); it waits for POST .../start unless auto_start=true", description = "The body is the YAML document (at most 256 KiB), optionally with a top-level input: next to workflow:, checked as for createWorkflow. An Idempotency-Key header is honoured: the same key with the same document and auto_start answers 200 with the original workflow, and with another document 422.")
    @RequestBody(content = @Content(mediaType = "application/yaml", schema = @Schema(type = SchemaType.STRING, description = "workflow: {name, jobs: [{id, type, parameters, depends_on, on_success, on_failure, always_run}]}; an optional top-level input: {...} next to workflow: holds the input")))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed YAML, or an invalid definition: the field names the path of the error, such as jobs[2].on_success")
    @APIResponse(responseCode = "413", description = "The body is too large")
    @APIResponse(responseCode = "415", description = "The body is not YAML or text")
    public Uni<Response> createFromYaml(String body, @QueryParam("auto_start") String autoStart,
            @HeaderParam(Fingerprint.HEADER) String idempotencyKey) {
        Map<String, Object> document = new java.util.LinkedHashMap<>(YamlDocuments.parse(body));
        Object input = document.containsKey("workflow") ? document.remove("input") : null;
        if (input != null && !(input instanceof Map<?, ?>)) {
            throw new ValidationException("input", "must be a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> inputMap = (Map<String, Object>) input;
        WorkflowDefinition definition = WorkflowDocument.parse(document);
        boolean start = Params.optionalBoolean("auto_start", autoStart, false);
        CreateWorkflowCommand command = new CreateWorkflowCommand(definition, inputMap, Map.of(), start,
                fingerprint.key(idempotencyKey, Map.of("yaml", body, "auto_start", start), caller.client()))
                .by(caller.client());
        return workflows.create(command).map(created -> Created.response(created,
                w -> WorkflowResponse.of(w.workflow()), w -> "/api/v1/workflows/" + w.workflow().id()));
    }

    @POST
    @Path("/{workflow_id}/cancel")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CancelWorkflowRequest.class)))
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "cancelWorkflow", summary = "Cancel a workflow: its open steps are cancelled and the bots holding them told", description = "Every waiting, pending, assigned or running step becomes cancelled with the optional reason, in one write with the workflow, and the bots holding steps are told to stop. Cancelling a cancelled workflow answers 200 and changes nothing; a completed or failed workflow answers 409.")
    @APIResponse(responseCode = "200", description = "The cancelled workflow (also when it already was)", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "404", description = "No such workflow")
    @APIResponse(responseCode = "409", description = "The workflow already finished")
    public Uni<WorkflowResponse> cancel(@PathParam("workflow_id") String workflowId, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        CancelWorkflowRequest request = optionalBody.read(body, contentType, CancelWorkflowRequest.class);
        return audit.after(cancellation.cancel(id(workflowId), request == null ? null : request.reason()),
                "workflow.cancel", workflowId)
                .map(WorkflowResponse::of);
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "listWorkflows", summary = "List workflows, newest first, optionally by status", description = "status matches the status that follows from the workflow's steps. Pages take limit (1-500, default 50) and offset; a key confined to its own work sees only the workflows it created.")
    @APIResponse(responseCode = "200", description = "A page of workflows")
    @APIResponse(responseCode = "400", description = "Invalid filter or page")
    public Uni<List<WorkflowResponse>> list(@QueryParam("status") String status, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset) {
        WorkflowStatus parsed = Params.optionalEnum("status", status, WorkflowStatus.values(), WorkflowStatus::wire);
        return workflows.list(new WorkflowQuery(parsed, caller.readScope()), Params.page(limit, offset))
                .map(list -> list.stream().map(WorkflowResponse::of).toList());
    }

    @GET
    @Path("/{workflow_id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "getWorkflow", summary = "Get a workflow; with wait, once it has ended", description = "Answers the workflow's status, which follows from its steps, and its task ids in the definition's order; getWorkflowTasks adds the tasks, the graph and the input. With wait=N (seconds, up to 60), answers as soon as the workflow has completed, failed or been cancelled, or after N seconds with its state then, holding no thread or database connection meanwhile. A key confined to its own work gets 404 for a workflow it did not create.")
    @APIResponse(responseCode = "200", description = "The workflow", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID, or wait is not 0 to 60")
    @APIResponse(responseCode = "404", description = "No such workflow")
    @APIResponse(responseCode = "503", description = "This replica serves as many waiting clients as it may; Retry-After says when to try again")
    public Uni<WorkflowResponse> get(@PathParam("workflow_id") String workflowId, @QueryParam("wait") String wait) {
        Duration max = Params.wait(wait);
        if (max.isZero()) {
            return workflows.get(id(workflowId), caller.readScope()).map(WorkflowResponse::of);
        }
        return workflows.getWithTasks(id(workflowId), caller.readScope()).flatMap(w -> watch.untilEnded(w, max))
                .map(w -> WorkflowResponse.of(w.workflow()));
    }

    @GET
    @Path("/{workflow_id}/stream")
    @KnownBeforeStreaming
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "streamWorkflow", summary = "Follow a workflow and its steps as Server-Sent Events until it ends", description = "Sends the workflow with its tasks first (event workflow), then each step whose status or progress changed (event step, the task) and the workflow whenever its own status changes (event workflow), and the workflow with its tasks once it has ended (event end), after which the stream closes. Changes reach the stream within coordinator.watch.interval (200 ms), whichever replica made them.")
    @APIResponse(responseCode = "200", description = "The stream of events", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING, description = "text/event-stream: events workflow, step and end, each with JSON data")))
    @APIResponse(responseCode = "400", description = "The id is not a UUID")
    @APIResponse(responseCode = "404", description = "No such workflow")
    @APIResponse(responseCode = "503", description = "This replica serves as many waiting clients as it may; Retry-After says when to try again")
    public Multi<OutboundSseEvent> stream(@PathParam("workflow_id") String workflowId, @Context Sse sse) {
        WorkflowId id = id(workflowId);
        return workflows.getWithTasks(id, caller.readScope()).onItem().transformToMulti(first -> {
            WorkflowStream stream = new WorkflowStream(sse);
            Multi<WorkflowWithTasks> states = first.workflow().status().isTerminal()
                    ? Multi.createFrom().item(first)
                    : Multi.createBy().concatenating().streams(Multi.createFrom().item(first), watch.changes(id));
            return states.onItem().transformToIterable(stream::events);
        });
    }

    @GET
    @Path("/{workflow_id}/tasks")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "getWorkflowTasks", summary = "Get a workflow with its tasks, its graph and its input", description = "The tasks come in the definition's order with their current state, and the definition in its canonical form (name, description, steps). A key confined to its own work gets 404 for a workflow it did not create.")
    @APIResponse(responseCode = "200", description = "The workflow and its tasks", content = @Content(schema = @Schema(implementation = WorkflowTasksResponse.class)))
    @APIResponse(responseCode = "404", description = "No such workflow")
    public Uni<WorkflowTasksResponse> tasks(@PathParam("workflow_id") String workflowId) {
        return workflows.getWithTasks(id(workflowId), caller.readScope()).map(WorkflowTasksResponse::of);
    }

    @POST
    @Path("/{workflow_id}/steps/{step}/approve")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DecisionRequest.class)))
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.SUBMITTER })
    @Operation(operationId = "approveWorkflowStep", summary = "Approve a workflow's approval step", description = "Allowed to a key of the step's approvers role, or an admin. The step completes with the decision as its result ({decision, by, comment, decided_at}), its history says who approved and why, and the steps after it go on as after any completed step. A step whose turn has not come, or that was decided already (also by its timeout), answers 409; a key confined to its own work gets 404 for a workflow it did not create.")
    @APIResponse(responseCode = "200", description = "The workflow and its steps after the decision", content = @Content(schema = @Schema(implementation = WorkflowTasksResponse.class)))
    @APIResponse(responseCode = "403", description = "The key's role is not the step's approvers")
    @APIResponse(responseCode = "404", description = "No such workflow or step")
    @APIResponse(responseCode = "409", description = "Not an approval step, not its turn yet, or decided already")
    public Uni<WorkflowTasksResponse> approve(@PathParam("workflow_id") String workflowId,
            @PathParam("step") String step, String body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return decide(workflowId, step, true, body, contentType);
    }

    @POST
    @Path("/{workflow_id}/steps/{step}/reject")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DecisionRequest.class)))
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.SUBMITTER })
    @Operation(operationId = "rejectWorkflowStep", summary = "Reject a workflow's approval step", description = "Allowed to a key of the step's approvers role, or an admin. The step fails (error code rejected) with the decision as its result, and the workflow goes on as after any failed step: its on_failure branch runs, or the workflow fails. Otherwise as approveWorkflowStep.")
    @APIResponse(responseCode = "200", description = "The workflow and its steps after the decision", content = @Content(schema = @Schema(implementation = WorkflowTasksResponse.class)))
    @APIResponse(responseCode = "403", description = "The key's role is not the step's approvers")
    @APIResponse(responseCode = "404", description = "No such workflow or step")
    @APIResponse(responseCode = "409", description = "Not an approval step, not its turn yet, or decided already")
    public Uni<WorkflowTasksResponse> reject(@PathParam("workflow_id") String workflowId,
            @PathParam("step") String step, String body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return decide(workflowId, step, false, body, contentType);
    }

    private Uni<WorkflowTasksResponse> decide(String workflowId, String step, boolean approve, String body,
            String contentType) {
        DecisionRequest request = optionalBody.read(body, contentType, DecisionRequest.class);
        return audit.after(approvals.decide(id(workflowId), step, approve, request == null ? null : request.comment(),
                caller.client()), approve ? "workflow.step.approve" : "workflow.step.reject",
                workflowId + "/" + step).map(WorkflowTasksResponse::of);
    }

    @POST
    @Path("/{workflow_id}/start")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.SUBMITTER })
    @Operation(operationId = "startWorkflow", summary = "Start a workflow created with auto_start false: its first steps become pending", description = "Steps without depends_on that no step names as a branch become pending, their params resolved from the input. A workflow started before, auto_start included, or one that has ended answers 409; a key confined to its own work gets 404 for a workflow it did not create.")
    @APIResponse(responseCode = "200", description = "The started workflow", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "404", description = "No such workflow")
    @APIResponse(responseCode = "409", description = "The workflow was already started")
    public Uni<WorkflowResponse> start(@PathParam("workflow_id") String workflowId) {
        return workflows.start(id(workflowId), caller.readScope()).map(WorkflowResponse::of);
    }

    @DELETE

    @Produces({ MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE })
    @Path("/{workflow_id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "deleteWorkflow", summary = "Delete a workflow and its tasks, unless a bot holds one of them", description = "Removes the workflow with every step and their history, in any status, and releases its Idempotency-Key: a repeat of the creating request then creates it anew. Cancel a step a bot holds before deleting.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such workflow")
    @APIResponse(responseCode = "409", description = "A bot holds one of its tasks")
    public Uni<Response> delete(@PathParam("workflow_id") String workflowId) {
        return audit.after(workflows.delete(id(workflowId)), "workflow.delete", workflowId)
                .map(ignored -> Response.noContent().build());
    }

    private static WorkflowId id(String value) {
        return new WorkflowId(Params.uuid("workflow_id", value));
    }
}
