package io.clawbot.coordinator.adapters.rest.trigger;

import io.clawbot.coordinator.adapters.rest.common.EdgeMeters;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.application.trigger.HookAnswer;
import io.clawbot.coordinator.application.trigger.HookRequest;
import io.clawbot.coordinator.application.trigger.ReceiveHook;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The hooks senders post to. They take no API key: a delivery is authenticated by its signature with the
 * trigger's secret, checked on the raw bytes before anything reads them.
 */
@Path("/api/v1/hooks")
@Tag(name = "Hooks", description = "Where Slack, GitHub and Standard Webhooks senders post signed events")
public class HookResource {

    private final ReceiveHook hooks;
    private final EdgeMeters meters;

    public HookResource(ReceiveHook hooks, EdgeMeters meters) {
        this.hooks = hooks;
        this.meters = meters;
    }

    // @formatter:off
    @Schema(name = "HookAnswer", description = "What a hook answers a delivery it does not refuse; Slack shows text to whoever typed a slash command")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Answer(
            @Schema(required = true, description = "accepted, duplicate, filtered, or rejected (Slack only: the work was refused; the text says why)") String outcome,
            @Schema(required = true) UUID deliveryId,
            @Schema(description = "The task it created") UUID taskId,
            @Schema(description = "The workflow it created") UUID workflowId,
            @Schema(required = true, description = "A line for a person") String text,
            @Schema(description = "For Slack: the message is shown only to whoever typed the command", example = "ephemeral") String responseType,
            @Schema(description = "Slack's url_verification challenge, as it came") String challenge) {
        // @formatter:on
    }

    @POST
    @Path("/slack/{trigger}")
    @PermitAll
    @SecurityRequirements
    @Consumes(MediaType.WILDCARD)
    @Produces({ MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE })
    @RequestBody(description = "As Slack sends it: an Events API callback or url_verification (application/json), a slash command or an interaction (application/x-www-form-urlencoded), signed with X-Slack-Signature and X-Slack-Request-Timestamp", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)),
            @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)) })
    @Operation(operationId = "receiveSlackHook", summary = "Take a signed Slack request for a Slack trigger", description = "Slack's v0 signature over v0:{timestamp}:{raw body} is checked in constant time, with a timestamp at most 5 minutes from now; url_verification is answered with its challenge. A message from a bot (bot_id, subtype bot_message, the app's own user) starts nothing; a repeated event_id (Slack's retries) starts nothing new. The answer comes as soon as the work is stored: the work runs later, and with reply on, its result is posted back.")
    @APIResponse(responseCode = "200", description = "Taken (accepted, duplicate or filtered)", content = @Content(schema = @Schema(implementation = Answer.class)))
    @APIResponse(responseCode = "401", description = "The signature is missing, malformed, stale or wrong; nothing was created")
    @APIResponse(responseCode = "404", description = "No such trigger, or not a Slack trigger")
    @APIResponse(responseCode = "429", description = "Over the trigger's rate limit; Retry-After says when to try again")
    public Uni<Response> slack(@PathParam("trigger") String trigger, @Context HttpHeaders headers, byte[] body) {
        return hooks.receive(new HookRequest(trigger, true, headers(headers), body))
                .map(answer -> counted("slack", answer));
    }

    @POST
    @Path("/{trigger}")
    @PermitAll
    @SecurityRequirements
    @Consumes(MediaType.WILDCARD)
    @Produces({ MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE })
    @RequestBody(description = "The sender's JSON body as it signed it (GitHub may also send it form-encoded in a payload field)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
    @Operation(operationId = "receiveHook", summary = "Take a signed delivery for a GitHub-style or Standard Webhooks trigger", description = "GitHub: X-Hub-Signature-256: sha256=<hex HMAC of the body>, X-GitHub-Event and X-GitHub-Delivery (a repeated delivery id starts nothing new). Standard Webhooks: webhook-id, webhook-timestamp (at most 5 minutes from now) and webhook-signature (v1,<base64>); a repeated webhook-id starts nothing new. Signatures are checked in constant time on the raw body.")
    @APIResponse(responseCode = "200", description = "Taken (accepted, duplicate or filtered)", content = @Content(schema = @Schema(implementation = Answer.class)))
    @APIResponse(responseCode = "401", description = "The signature is missing, malformed, stale or wrong; nothing was created")
    @APIResponse(responseCode = "404", description = "No such trigger, or a Slack trigger")
    @APIResponse(responseCode = "422", description = "The trigger's work was refused (its template made an invalid task, or its definition is gone)")
    @APIResponse(responseCode = "429", description = "Over the trigger's rate limit; Retry-After says when to try again")
    public Uni<Response> generic(@PathParam("trigger") String trigger, @Context HttpHeaders headers, byte[] body) {
        return hooks.receive(new HookRequest(trigger, false, headers(headers), body))
                .map(answer -> counted("webhook", answer));
    }

    private static Map<String, String> headers(HttpHeaders headers) {
        Map<String, String> out = new HashMap<>();
        headers.getRequestHeaders().forEach((name, values) -> {
            List<String> list = values;
            if (!list.isEmpty()) {
                out.put(name, list.getFirst());
            }
        });
        return out;
    }

    private Response counted(String source, HookAnswer answer) {
        meters.hookDelivery(source, answer.problem() != null ? answer.problem() : answer.outcome().wire());
        if (answer.status() == 429) {
            meters.rateLimited("trigger");
        }
        return response(answer);
    }

    private static Response response(HookAnswer answer) {
        if (answer.problem() != null) {
            Response.ResponseBuilder refused = Response.status(answer.status()).type(Problem.MEDIA_TYPE)
                    .entity(Problem.of(answer.problem(), title(answer.status()), answer.status(), answer.message(),
                            null, null));
            if (answer.retryAfterSeconds() > 0) {
                refused.header("Retry-After", answer.retryAfterSeconds());
            }
            return refused.build();
        }
        UUID task = "task".equals(answer.workKind()) ? answer.workId() : null;
        UUID workflow = "workflow".equals(answer.workKind()) ? answer.workId() : null;
        return Response.status(answer.status()).type(MediaType.APPLICATION_JSON)
                .entity(new Answer(answer.outcome().wire(), answer.delivery(), task, workflow, answer.message(),
                        "ephemeral", answer.challenge()))
                .build();
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            default -> "Refused";
        };
    }
}
