package io.clawbot.coordinator.adapters.rest.policy;

import io.clawbot.coordinator.adapters.rest.access.Audit;
import io.clawbot.coordinator.adapters.rest.access.Caller;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.common.OptionalJsonBody;
import io.clawbot.coordinator.adapters.rest.policy.PolicyDtos.KeyLimitRequest;
import io.clawbot.coordinator.adapters.rest.policy.PolicyDtos.KeyPolicyResponse;
import io.clawbot.coordinator.adapters.rest.policy.PolicyDtos.PauseRequest;
import io.clawbot.coordinator.adapters.rest.policy.PolicyDtos.TypePolicyResponse;
import io.clawbot.coordinator.application.policy.DispatchPolicies;
import io.clawbot.coordinator.application.policy.KeyPolicies;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
@Tag(name = "Dispatch policies", description = "How work is dispatched, changed at run time: pause and resume a task type or a concurrency key, and set a key's limit")
public class PolicyResource {

    /** How a concurrency key is named in a path: URL-encoded, so that it may hold any character, '/' too. */
    private static final String KEY_PATH = "Its concurrency key, URL-encoded (a '/' in the key as %2F)";

    private final DispatchPolicies policies;
    private final KeyPolicies keyPolicies;
    private final OptionalJsonBody optionalBody;
    private final Caller caller;
    private final Audit audit;

    public PolicyResource(DispatchPolicies policies, KeyPolicies keyPolicies, OptionalJsonBody optionalBody,
            Caller caller, Audit audit) {
        this.policies = policies;
        this.keyPolicies = keyPolicies;
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

    @GET
    @Path("/concurrency-keys")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "listKeyPolicies", summary = "List the concurrency keys someone set a policy for, by key", description = "Paused keys, keys with a limit of their own, and keys changed before and given back since; a key not listed is dispatched as its tasks state.")
    @APIResponse(responseCode = "200", description = "The policies", content = @Content(schema = @Schema(implementation = KeyPolicyResponse.class, type = SchemaType.ARRAY)))
    public Uni<List<KeyPolicyResponse>> listKeys() {
        return keyPolicies.list().map(all -> all.stream().map(KeyPolicyResponse::of).toList());
    }

    @GET
    @Path("/concurrency-keys/{key}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "getKeyPolicy", summary = "Get how a concurrency key is dispatched", description = "Whether it is paused (since when, by whom and why) and the limit set for it. A key no one has set a policy for answers its default: not paused, its tasks' own limits, version 0.")
    @APIResponse(responseCode = "200", description = "The key's policy", content = @Content(schema = @Schema(implementation = KeyPolicyResponse.class)))
    @APIResponse(responseCode = "400", description = "The key is blank, longer than 200 characters or holds control characters")
    public Uni<KeyPolicyResponse> getKey(@PathParam("key") @Schema(description = KEY_PATH) String key) {
        return keyPolicies.get(key).map(KeyPolicyResponse::of);
    }

    @POST
    @Path("/concurrency-keys/{key}/pause")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PauseRequest.class)))
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "pauseKey", summary = "Pause a concurrency key: its tasks stay pending and no bot is offered them", description = "Answers once no replica's dispatch can offer the key's tasks any more (a dispatch already under way ends first). Its tasks are still created, retried and fired by schedules, and wait in their order; explain says the key is paused. Tasks bots already hold run on. Pausing a paused key answers 200 and changes nothing (its first pause, reason and author stay).")
    @APIResponse(responseCode = "200", description = "The key's policy, paused", content = @Content(schema = @Schema(implementation = KeyPolicyResponse.class)))
    @APIResponse(responseCode = "400", description = "The key is not valid, or the reason is too long")
    public Uni<KeyPolicyResponse> pauseKey(@PathParam("key") @Schema(description = KEY_PATH) String key, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        PauseRequest request = optionalBody.read(body, contentType, PauseRequest.class);
        return audit.after(keyPolicies.pause(key, request == null ? null : request.reason(),
                caller.principal().actor()), "policy.key.pause", key).map(KeyPolicyResponse::of);
    }

    @POST
    @Path("/concurrency-keys/{key}/resume")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "resumeKey", summary = "Resume a paused concurrency key: its pending tasks are dispatched again", description = "Every replica looks for work at once; the key's pending tasks go to bots in their usual order, within the key's limit. Resuming a key that is not paused answers 200 and changes nothing.")
    @APIResponse(responseCode = "200", description = "The key's policy, not paused", content = @Content(schema = @Schema(implementation = KeyPolicyResponse.class)))
    @APIResponse(responseCode = "400", description = "The key is not valid")
    public Uni<KeyPolicyResponse> resumeKey(@PathParam("key") @Schema(description = KEY_PATH) String key) {
        return audit.after(keyPolicies.resume(key), "policy.key.resume", key).map(KeyPolicyResponse::of);
    }

    @PUT
    @Path("/concurrency-keys/{key}/limit")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "setKeyLimit", summary = "Set how many of a concurrency key's tasks bots may hold at once", description = "Replaces the max_concurrency that the key's tasks state, pending or created later, across every replica. Answers once no replica's dispatch can go over the new limit. Lowered, the tasks bots hold beyond it run on and no more are offered until the key is under it; raised, every replica looks for work at once.")
    @APIResponse(responseCode = "200", description = "The key's policy with its limit", content = @Content(schema = @Schema(implementation = KeyPolicyResponse.class)))
    @APIResponse(responseCode = "400", description = "The key is not valid, or max_concurrency is missing or out of range")
    public Uni<KeyPolicyResponse> setKeyLimit(@PathParam("key") @Schema(description = KEY_PATH) String key,
            KeyLimitRequest request) {
        if (request == null || request.maxConcurrency() == null) {
            throw new ValidationException("max_concurrency", "is required");
        }
        return audit.after(keyPolicies.limit(key, request.maxConcurrency()), "policy.key.limit", key)
                .map(KeyPolicyResponse::of);
    }

    @DELETE
    @Path("/concurrency-keys/{key}/limit")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "clearKeyLimit", summary = "Give a concurrency key's limit back to its tasks", description = "Each task of the key counts against the max_concurrency it states again. Answers once no replica's dispatch uses the key's limit any more; every replica then looks for work at once. Clearing a key without a limit of its own answers 200 and changes nothing.")
    @APIResponse(responseCode = "200", description = "The key's policy without a limit of its own", content = @Content(schema = @Schema(implementation = KeyPolicyResponse.class)))
    @APIResponse(responseCode = "400", description = "The key is not valid")
    public Uni<KeyPolicyResponse> clearKeyLimit(@PathParam("key") @Schema(description = KEY_PATH) String key) {
        return audit.after(keyPolicies.limit(key, null), "policy.key.limit", key).map(KeyPolicyResponse::of);
    }
}
