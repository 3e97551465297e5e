package io.clawbot.coordinator.adapters.rest.access;

import io.clawbot.coordinator.adapters.rest.access.KeyDtos.CreateKeyRequest;
import io.clawbot.coordinator.adapters.rest.access.KeyDtos.IssuedKeyResponse;
import io.clawbot.coordinator.adapters.rest.access.KeyDtos.KeyResponse;
import io.clawbot.coordinator.adapters.rest.common.Created;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.application.access.ApiKeys;
import io.clawbot.coordinator.application.access.NewKey;
import io.clawbot.coordinator.domain.access.Role;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.KeyId;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** API keys, for admins: issue, list, rotate, revoke. A secret is in the answer that creates it, and only there. */
@Path("/api/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Keys", description = "API keys for HTTP clients and their roles")
@RolesAllowed(Roles.ADMIN)
public class KeyResource {

    private final ApiKeys keys;
    private final Audit audit;

    public KeyResource(ApiKeys keys, Audit audit) {
        this.keys = keys;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createKey", summary = "Issue an API key with a role; its secret is in this answer only", description = "Only a hash of the secret is stored; send the secret as Authorization: Bearer <key>. task_types limits which task types the key may create, and expires_at, when given, must lie in the future.")
    @APIResponse(responseCode = "201", description = "Issued", content = @Content(schema = @Schema(implementation = IssuedKeyResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid or malformed body")
    @APIResponse(responseCode = "409", description = "A live key has this name")
    public Uni<Response> create(CreateKeyRequest request) {
        if (request == null) {
            throw new ValidationException("body", "a JSON object is required");
        }
        Role role = Params.optionalEnum("role", request.role(), Role.values(), Role::wire);
        return audit.after(keys.create(new NewKey(request.name(), role, request.taskTypes(), request.expiresAt())),
                "key.create", issued -> issued.key().id())
                .map(issued -> Created.at("/api/v1/keys/" + issued.key().id())
                        .entity(IssuedKeyResponse.of(issued)).build());
    }

    @GET
    @Operation(operationId = "listKeys", summary = "List keys, oldest first, revoked ones included", description = "Each key is shown with its prefix, expiry, last use (to the minute) and revocation time, never its secret. Pages take limit (1-500, default 50) and offset.")
    @APIResponse(responseCode = "200", description = "A page of keys")
    public Uni<List<KeyResponse>> list(@QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return keys.list(Params.page(limit, offset)).map(list -> list.stream().map(KeyResponse::of).toList());
    }

    @GET
    @Path("/{key_id}")
    @Operation(operationId = "getKey", summary = "Get a key", description = "Answers the key as stored, revoked and expired keys included; never its secret.")
    @APIResponse(responseCode = "200", description = "The key", content = @Content(schema = @Schema(implementation = KeyResponse.class)))
    @APIResponse(responseCode = "404", description = "No such key")
    public Uni<KeyResponse> get(@PathParam("key_id") String keyId) {
        return keys.get(id(keyId)).map(KeyResponse::of);
    }

    @POST
    @Path("/{key_id}/rotate")
    @Operation(operationId = "rotateKey", summary = "Give a key a new secret; the old one stops working at once", description = "The key keeps its id, name and expiry; the old secret stops working at once on this replica and within 2 seconds on the others. A revoked key answers 404; an expired key can be rotated but stays expired.")
    @APIResponse(responseCode = "200", description = "The key with its new secret, shown this once", content = @Content(schema = @Schema(implementation = IssuedKeyResponse.class)))
    @APIResponse(responseCode = "404", description = "No such live key")
    public Uni<IssuedKeyResponse> rotate(@PathParam("key_id") String keyId) {
        return audit.after(keys.rotate(id(keyId)), "key.rotate", keyId).map(IssuedKeyResponse::of);
    }

    @DELETE

    @Produces({ MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE })
    @Path("/{key_id}")
    @Operation(operationId = "revokeKey", summary = "Revoke a key: it stops working at once and stays listed as revoked", description = "The key stops authenticating at once on this replica and within 2 seconds on the others; it stays listed with its revoked_at. Revoking a revoked key answers 204 and changes nothing.")
    @APIResponse(responseCode = "204", description = "Revoked (also when it already was)")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "409", description = "It is the last live admin key")
    public Uni<Response> revoke(@PathParam("key_id") String keyId) {
        return audit.after(keys.revoke(id(keyId)), "key.revoke", keyId).map(ignored -> Response.noContent().build());
    }

    private static KeyId id(String value) {
        return new KeyId(Params.uuid("key_id", value));
    }
}
