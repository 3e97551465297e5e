package io.clawbot.coordinator.adapters.rest.policy;

import io.clawbot.coordinator.adapters.rest.access.Audit;
import io.clawbot.coordinator.adapters.rest.access.Caller;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.common.OptionalJsonBody;
import io.clawbot.coordinator.adapters.rest.policy.PolicyDtos.PauseRequest;
import io.clawbot.coordinator.adapters.rest.policy.PolicyDtos.TypePolicyResponse;
import io.clawbot.coordinator.application.policy.DispatchPolicies;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dispatch policies", description = "How work is dispatched, changed at run time: pause and resume a task type")
public class PolicyResource {

    private final DispatchPolicies policies;
    private final OptionalJsonBody optionalBody;
    private final Caller caller;
    private final Audit audit;

    public PolicyResource(DispatchPolicies policies, OptionalJsonBody optionalBody, Caller caller, Audit audit) {
        this.policies = policies;
        this.optionalBody = optionalBody;
        this.caller = caller;
        this.audit = audit;
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "listPolicies", summary = "List the task types someone set a dispatch policy for, by type", description = "Paused types and types paused before and resumed since; a type not listed is dispatched as usual.")
    @APIResponse(responseCode = "200", description = "The policies", content = @Content(schema = @Schema(implementation = TypePolicyResponse.class, type = SchemaType.ARRAY)))
    public Uni<List<TypePolicyResponse>> list() {
        return policies.list().map(all -> all.stream().map(TypePolicyResponse::of).toList());
    }

    @GET
    @Path("/task-types/{type}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "getTypePolicy", summary = "Get how a task type is dispatched", description = "Whether it is paused, since when, by whom and why. A type no one has set a policy for (registered or not) answers its default: not paused, version 0.")
    @APIResponse(responseCode = "200", description = "The type's policy", content = @Content(schema = @Schema(implementation = TypePolicyResponse.class)))
    @APIResponse(responseCode = "400", description = "The type is not a valid name")
    public Uni<TypePolicyResponse> get(@PathParam("type") String type) {
        return policies.get(type).map(TypePolicyResponse::of);
    }

    @POST
    @Path("/task-types/{type}/pause")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PauseRequest.class)))
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "pauseTaskType", summary = "Pause a task type: its tasks stay pending and no bot is offered them", description = "Answers once no replica's dispatch can offer the type's tasks any more (a dispatch already under way ends first). Its tasks are still created, retried and fired by schedules, and wait in their order; explain says the type is paused. Tasks bots already hold run on. An operator may still assign a task by hand. Pausing a paused type answers 200 and changes nothing (its first pause, reason and author stay).")
    @APIResponse(responseCode = "200", description = "The type's policy, paused", content = @Content(schema = @Schema(implementation = TypePolicyResponse.class)))
    @APIResponse(responseCode = "400", description = "The type is not a valid name, or the reason is too long")
    public Uni<TypePolicyResponse> pause(@PathParam("type") String type, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        PauseRequest request = optionalBody.read(body, contentType, PauseRequest.class);
        return audit.after(policies.pause(type, request == null ? null : request.reason(),
                caller.principal().actor()), "policy.pause", type).map(TypePolicyResponse::of);
    }

    @POST
    @Path("/task-types/{type}/resume")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "resumeTaskType", summary = "Resume a paused task type: its pending tasks are dispatched again", description = "Every replica looks for work at once; the type's pending tasks go to bots in their usual order (priority, then age). Resuming a type that is not paused answers 200 and changes nothing.")
    @APIResponse(responseCode = "200", description = "The type's policy, not paused", content = @Content(schema = @Schema(implementation = TypePolicyResponse.class)))
    @APIResponse(responseCode = "400", description = "The type is not a valid name")
    public Uni<TypePolicyResponse> resume(@PathParam("type") String type) {
        return audit.after(policies.resume(type), "policy.resume", type).map(TypePolicyResponse::of);
    }
}
