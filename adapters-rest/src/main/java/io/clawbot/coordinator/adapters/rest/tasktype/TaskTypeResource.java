package io.clawbot.coordinator.adapters.rest.tasktype;

import io.clawbot.coordinator.adapters.rest.access.Audit;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.adapters.rest.tasktype.TaskTypeDtos.TaskTypeRequest;
import io.clawbot.coordinator.adapters.rest.tasktype.TaskTypeDtos.TaskTypeResponse;
import io.clawbot.coordinator.application.tasktype.TaskTypes;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/task-types")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Task types", description = "The registry of task types: payload schemas and defaults")
public class TaskTypeResource {

    private final TaskTypes types;
    private final Audit audit;

    public TaskTypeResource(TaskTypes types, Audit audit) {
        this.types = types;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "createTaskType", summary = "Register a task type: a JSON Schema for its payloads and the defaults of its tasks", description = "From then on, a task or a workflow step of this type is checked at submission: a payload that breaks the schema is refused with 400 listing every violation with its JSON Pointer, and nothing is stored. The schema must be a valid, self-contained JSON Schema 2020-12. Submissions on other replicas see a new or changed type within 5 seconds.")
    @APIResponse(responseCode = "201", description = "Registered", content = @Content(schema = @Schema(implementation = TaskTypeResponse.class)))
    @APIResponse(responseCode = "409", description = "A type of that name is registered already")
    public Uni<Response> create(TaskTypeRequest request) {
        if (request == null) {
            throw new ValidationException("body", "a JSON object is required");
        }
        return audit.after(types.register(request.draft(request.name())), "task-type.create", request.name())
                .map(t -> Response.status(Response.Status.CREATED).header("Location", "/api/v1/task-types/" + t.name())
                        .entity(TaskTypeResponse.of(t)).build());
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "putTaskType", summary = "Register a task type or replace its definition", description = "The whole definition is replaced (a field left out is cleared); tasks already stored are not checked again. A name in the body, if any, must be the path's.")
    @APIResponse(responseCode = "200", description = "The type as stored", content = @Content(schema = @Schema(implementation = TaskTypeResponse.class)))
    @APIResponse(responseCode = "409", description = "The type changed while it was being replaced")
    public Uni<TaskTypeResponse> put(@PathParam("name") String name, TaskTypeRequest request) {
        if (request == null) {
            throw new ValidationException("body", "a JSON object is required");
        }
        Names.token("name", name);
        if (request.name() != null && !request.name().equals(name)) {
            throw new ValidationException("name", "must be the path's name, or absent");
        }
        return audit.after(types.put(request.draft(name)), "task-type.put", name).map(TaskTypeResponse::of);
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "listTaskTypes", summary = "List the registered task types, by name", description = "Every type with its schemas and defaults.")
    @APIResponse(responseCode = "200", description = "The types", content = @Content(schema = @Schema(implementation = TaskTypeResponse.class, type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY)))
    public Uni<List<TaskTypeResponse>> list() {
        return types.list().map(all -> all.stream().map(TaskTypeResponse::of).toList());
    }

    @GET
    @Path("/{name}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "getTaskType", summary = "Get a task type", description = "Its schemas, defaults and version.")
    @APIResponse(responseCode = "200", description = "The type", content = @Content(schema = @Schema(implementation = TaskTypeResponse.class)))
    @APIResponse(responseCode = "404", description = "No such type")
    public Uni<TaskTypeResponse> get(@PathParam("name") String name) {
        return types.get(name).map(TaskTypeResponse::of);
    }

    @DELETE
    @Path("/{name}")
    @Produces({ MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE })
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "deleteTaskType", summary = "Remove a task type from the registry", description = "Its tasks stay as they are; new tasks of that name are no longer checked (or are refused, when coordinator.task-types.strict is on).")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", description = "No such type")
    public Uni<Response> delete(@PathParam("name") String name) {
        return audit.after(types.delete(name), "task-type.delete", name).map(ignored -> Response.noContent().build());
    }
}
