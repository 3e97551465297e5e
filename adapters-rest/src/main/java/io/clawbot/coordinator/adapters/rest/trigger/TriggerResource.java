package io.clawbot.coordinator.adapters.rest.trigger;

import io.clawbot.coordinator.adapters.rest.access.Audit;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.adapters.rest.trigger.TriggerDtos.DeliveryResponse;
import io.clawbot.coordinator.adapters.rest.trigger.TriggerDtos.RateLimitDto;
import io.clawbot.coordinator.adapters.rest.trigger.TriggerDtos.RotateRequest;
import io.clawbot.coordinator.adapters.rest.trigger.TriggerDtos.TriggerRequest;
import io.clawbot.coordinator.adapters.rest.trigger.TriggerDtos.TriggerResponse;
import io.clawbot.coordinator.adapters.rest.trigger.TriggerDtos.TriggerWithSecret;
import io.clawbot.coordinator.application.trigger.Triggers;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.trigger.DeliveryOutcome;
import io.clawbot.coordinator.domain.trigger.Trigger;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/triggers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Triggers", description = "Signed events from Slack, GitHub-style senders and Standard Webhooks senders, turned into tasks and workflows")
public class TriggerResource {

    private final Triggers triggers;
    private final Audit audit;
    private final RateLimitDto defaults;

    public TriggerResource(Triggers triggers, Audit audit, HookConfig config) {
        this.triggers = triggers;
        this.audit = audit;
        this.defaults = new RateLimitDto(config.rateLimit().maxRequests(), config.rateLimit().windowSeconds());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "createTrigger", summary = "Create a trigger: a signed hook that turns matching events into work", description = "The template is checked now, with every event value a sample string; a definition run's definition must exist. For Slack, give the app's signing secret; for the other sources a secret is generated when none is given and answered this once. Secrets and the bot token are never returned.")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = TriggerWithSecret.class)))
    @APIResponse(responseCode = "409", description = "A trigger of that name exists")
    public Uni<Response> create(TriggerRequest request) {
        body(request);
        return audit.after(triggers.create(request.draft()), "trigger.create", request.name())
                .map(created -> Response.status(Response.Status.CREATED)
                        .header("Location", "/api/v1/triggers/" + created.trigger().name())
                        .entity(new TriggerWithSecret(view(created.trigger()), created.generatedSecret())).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "listTriggers", summary = "List the triggers, by name", description = "Without their secrets.")
    @APIResponse(responseCode = "200", description = "The triggers", content = @Content(schema = @Schema(implementation = TriggerResponse.class, type = SchemaType.ARRAY)))
    public Uni<List<TriggerResponse>> list() {
        return triggers.list().map(all -> all.stream().map(this::view).toList());
    }

    @GET
    @Path("/{name}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "getTrigger", summary = "Get a trigger", description = "Its configuration, hook path and secret dates; never the secret.")
    @APIResponse(responseCode = "200", description = "The trigger", content = @Content(schema = @Schema(implementation = TriggerResponse.class)))
    @APIResponse(responseCode = "404", description = "No such trigger")
    public Uni<TriggerResponse> get(@PathParam("name") String name) {
        return triggers.get(name).map(this::view);
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "putTrigger", summary = "Replace a trigger's configuration", description = "Everything but its source and signing secret (rotate that) is replaced; a field left out takes its default. The bot token is kept unless one is given (\"\" removes it).")
    @APIResponse(responseCode = "200", description = "The trigger as stored", content = @Content(schema = @Schema(implementation = TriggerResponse.class)))
    @APIResponse(responseCode = "404", description = "No such trigger")
    @APIResponse(responseCode = "409", description = "The trigger changed while it was being replaced")
    public Uni<TriggerResponse> put(@PathParam("name") String name, TriggerRequest request) {
        body(request);
        return audit.after(triggers.replace(name, request.draft()), "trigger.put", name).map(this::view);
    }

    @POST
    @Path("/{name}/secret")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "rotateTriggerSecret", summary = "Rotate a trigger's signing secret", description = "The new secret is in force at once; the one it replaces is still accepted for overlap_seconds (default an hour), so the sender can be switched over without losing a delivery.")
    @APIResponse(responseCode = "200", description = "The trigger, and the new secret when it was generated", content = @Content(schema = @Schema(implementation = TriggerWithSecret.class)))
    @APIResponse(responseCode = "404", description = "No such trigger")
    public Uni<TriggerWithSecret> rotate(@PathParam("name") String name, RotateRequest request) {
        RotateRequest r = request == null ? new RotateRequest(null, null) : request;
        return audit.after(triggers.rotate(name, r.secret(), r.overlapSeconds()), "trigger.rotate-secret", name)
                .map(rotated -> new TriggerWithSecret(view(rotated.trigger()), rotated.generatedSecret()));
    }

    @DELETE
    @Path("/{name}")
    @Produces({ MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE })
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "deleteTrigger", summary = "Delete a trigger and its delivery record", description = "Its hook answers 404 from then on; the work it created stays; replies not yet posted are dropped.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such trigger")
    public Uni<Response> delete(@PathParam("name") String name) {
        return audit.after(triggers.delete(name), "trigger.delete", name).map(ignored -> Response.noContent().build());
    }

    @GET
    @Path("/{name}/deliveries")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "listTriggerDeliveries", summary = "A trigger's deliveries, newest first", description = "Every request to its hook: accepted (with the work it created and the reply's state), duplicate, filtered or rejected, with why. Kept for coordinator.hooks.retention (7 days). Pages take limit (1-500, default 50) and offset; outcome filters.")
    @APIResponse(responseCode = "200", description = "A page of deliveries", content = @Content(schema = @Schema(implementation = DeliveryResponse.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "404", description = "No such trigger")
    public Uni<List<DeliveryResponse>> deliveries(@PathParam("name") String name,
            @QueryParam("outcome") String outcome, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset) {
        DeliveryOutcome filter = outcome == null ? null : DeliveryOutcome.fromWire("outcome", outcome);
        return triggers.deliveries(name, filter, Params.page(limit, offset))
                .map(list -> list.stream().map(DeliveryResponse::of).toList());
    }

    private TriggerResponse view(Trigger trigger) {
        return TriggerResponse.of(trigger, defaults);
    }

    private static void body(Object request) {
        if (request == null) {
            throw new ValidationException("body", "a JSON object is required");
        }
    }
}
