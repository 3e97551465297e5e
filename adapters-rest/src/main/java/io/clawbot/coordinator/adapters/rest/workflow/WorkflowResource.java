package io.clawbot.coordinator.adapters.rest.workflow;

import io.clawbot.coordinator.adapters.rest.common.Created;
import io.clawbot.coordinator.adapters.rest.common.Fingerprint;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.CreateWorkflowRequest;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.WorkflowResponse;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.WorkflowTasksResponse;
import io.clawbot.coordinator.application.workflow.CreateWorkflowCommand;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/workflows")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Workflows", description = "Sequential workflows: a list of task payloads run in order")
public class WorkflowResource {

    private final WorkflowLifecycle workflows;
    private final Fingerprint fingerprint;

    public WorkflowResource(WorkflowLifecycle workflows, Fingerprint fingerprint) {
        this.workflows = workflows;
        this.fingerprint = fingerprint;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createWorkflow", summary = "Create a workflow with one task per payload")
    @Parameter(name = Fingerprint.HEADER, in = ParameterIn.HEADER, description = "Makes the request safe to repeat: the same key and body return the original workflow")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "200", description = "A repeat of an earlier request with the same Idempotency-Key: the original workflow", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, a wrong type or an invalid field", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The body is too large", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "The body is not JSON", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another body", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> create(CreateWorkflowRequest request, @HeaderParam(Fingerprint.HEADER) String idempotencyKey) {
        if (request == null) {
            throw new ValidationException("body", "a JSON object is required");
        }
        CreateWorkflowCommand command = CreateWorkflowCommand.of(request.name(), request.description(),
                request.taskType(), request.priority(), request.timeoutSeconds(), request.taskPayloads(),
                request.metadata(), request.autoStart(), fingerprint.key(idempotencyKey, request))
                .withRetry(request.retry() == null ? null : request.retry().overrides());
        return workflows.create(command).map(created -> Created.response(created,
                w -> WorkflowResponse.of(w.workflow()), w -> "/api/v1/workflows/" + w.workflow().id()));
    }

    @GET
    @Operation(operationId = "listWorkflows", summary = "List workflows, newest first, optionally by status")
    @APIResponse(responseCode = "200", description = "A page of workflows")
    @APIResponse(responseCode = "400", description = "Invalid filter or page", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<List<WorkflowResponse>> list(@QueryParam("status") String status, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset) {
        WorkflowStatus parsed = Params.optionalEnum("status", status, WorkflowStatus.values(), WorkflowStatus::wire);
        return workflows.list(new WorkflowQuery(parsed), Params.page(limit, offset))
                .map(list -> list.stream().map(WorkflowResponse::of).toList());
    }

    @GET
    @Path("/{workflow_id}")
    @Operation(operationId = "getWorkflow", summary = "Get a workflow")
    @APIResponse(responseCode = "200", description = "The workflow", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such workflow", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<WorkflowResponse> get(@PathParam("workflow_id") String workflowId) {
        return workflows.get(id(workflowId)).map(WorkflowResponse::of);
    }

    @GET
    @Path("/{workflow_id}/tasks")
    @Operation(operationId = "getWorkflowTasks", summary = "Get a workflow with its tasks in order")
    @APIResponse(responseCode = "200", description = "The workflow and its tasks", content = @Content(schema = @Schema(implementation = WorkflowTasksResponse.class)))
    @APIResponse(responseCode = "404", description = "No such workflow", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<WorkflowTasksResponse> tasks(@PathParam("workflow_id") String workflowId) {
        return workflows.getWithTasks(id(workflowId)).map(WorkflowTasksResponse::of);
    }

    @POST
    @Path("/{workflow_id}/start")
    @Operation(operationId = "startWorkflow", summary = "Start a workflow created with auto_start false: its first task becomes pending")
    @APIResponse(responseCode = "200", description = "The started workflow", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "404", description = "No such workflow", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The workflow was already started", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<WorkflowResponse> start(@PathParam("workflow_id") String workflowId) {
        return workflows.start(id(workflowId)).map(WorkflowResponse::of);
    }

    @DELETE
    @Path("/{workflow_id}")
    @Operation(operationId = "deleteWorkflow", summary = "Delete a workflow and its tasks, unless a bot holds one of them")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such workflow", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A bot holds one of its tasks", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> delete(@PathParam("workflow_id") String workflowId) {
        return workflows.delete(id(workflowId)).map(ignored -> Response.noContent().build());
    }

    private static WorkflowId id(String value) {
        return new WorkflowId(Params.uuid("workflow_id", value));
    }
}
