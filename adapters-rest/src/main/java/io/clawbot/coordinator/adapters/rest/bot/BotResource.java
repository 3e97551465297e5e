package io.clawbot.coordinator.adapters.rest.bot;

import jakarta.annotation.security.RolesAllowed;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.bot.BotDtos.BotResponse;
import io.clawbot.coordinator.adapters.rest.bot.BotDtos.RegisterBotRequest;
import io.clawbot.coordinator.adapters.rest.bot.BotDtos.RegisteredBotResponse;
import io.clawbot.coordinator.adapters.rest.bot.BotDtos.TokenResponse;
import io.clawbot.coordinator.adapters.rest.access.Audit;
import io.clawbot.coordinator.adapters.rest.access.Caller;
import io.clawbot.coordinator.adapters.rest.common.Created;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.application.bot.RetireBot;
import io.clawbot.coordinator.application.bot.RegisterBotCommand;
import io.clawbot.coordinator.domain.bot.BotQuery;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;
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

@Path("/api/v1/bots")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Bots", description = "Register and monitor bot workers")
public class BotResource {

    private final BotLifecycle bots;

    private final RetireBot retirement;
    private final Caller caller;
    private final Audit audit;

    public BotResource(BotLifecycle bots, RetireBot retirement, Caller caller, Audit audit) {
        this.bots = bots;
        this.retirement = retirement;
        this.caller = caller;
        this.audit = audit;
    }

    /** The bot a self-report is about; a bot's own token reports only about that bot. */
    private BotId self(String botId) {
        BotId id = id(botId);
        caller.checkActsFor(id);
        return id;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN })
    @Operation(operationId = "registerBot", summary = "Register a new bot")
    @APIResponse(responseCode = "201", description = "Registered; the response carries the bot's token, shown this once", content = @Content(schema = @Schema(implementation = RegisteredBotResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid or malformed body", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The name is taken", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> register(RegisterBotRequest request) {
        if (request == null) {
            throw new ValidationException("body", "a JSON object is required");
        }
        return audit.after(bots.register(new RegisterBotCommand(request.name(), request.capabilities(),
                request.metadata())), "bot.register", registered -> registered.bot().id())
                .map(registered -> Created.at("/api/v1/bots/" + registered.bot().id())
                        .entity(RegisteredBotResponse.of(registered.bot(), registered.token())).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "listBots", summary = "List bots, optionally by capability and status")
    @APIResponse(responseCode = "200", description = "A page of bots")
    @APIResponse(responseCode = "400", description = "Invalid filter or page", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<List<BotResponse>> list(@QueryParam("capability") String capability,
            @QueryParam("status") String status, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset) {
        BotStatus parsed = Params.optionalEnum("status", status, BotStatus.values(), BotStatus::wire);
        return bots.list(new BotQuery(capability, parsed, false), Params.page(limit, offset))
                .map(list -> list.stream().map(BotResponse::of).toList());
    }

    @GET
    @Path("/available")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "listAvailableBots", summary = "List bots that are online and not stale, optionally by capability")
    @APIResponse(responseCode = "200", description = "A page of available bots")
    @APIResponse(responseCode = "400", description = "Invalid page", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<List<BotResponse>> available(@QueryParam("capability") String capability,
            @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return bots.list(BotQuery.available(capability), Params.page(limit, offset))
                .map(list -> list.stream().map(BotResponse::of).toList());
    }

    @GET
    @Path("/{bot_id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "getBot", summary = "Get a bot")
    @APIResponse(responseCode = "200", description = "The bot", content = @Content(schema = @Schema(implementation = BotResponse.class)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such bot", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<BotResponse> get(@PathParam("bot_id") String botId) {
        return bots.get(id(botId)).map(BotResponse::of);
    }

    @POST
    @Path("/{bot_id}/heartbeat")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.BOT })
    @Operation(operationId = "botHeartbeat", summary = "Record a heartbeat; an offline bot comes online")
    @APIResponse(responseCode = "200", description = "The bot after the heartbeat", content = @Content(schema = @Schema(implementation = BotResponse.class)))
    @APIResponse(responseCode = "404", description = "No such bot", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<BotResponse> heartbeat(@PathParam("bot_id") String botId) {
        return bots.heartbeat(self(botId)).map(BotResponse::of);
    }

    @POST
    @Path("/{bot_id}/busy")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.BOT })
    @Operation(operationId = "markBotBusy", summary = "Mark an online bot busy")
    @APIResponse(responseCode = "200", description = "The bot", content = @Content(schema = @Schema(implementation = BotResponse.class)))
    @APIResponse(responseCode = "404", description = "No such bot", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The bot is offline", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<BotResponse> busy(@PathParam("bot_id") String botId) {
        return bots.markBusy(self(botId)).map(BotResponse::of);
    }

    @POST
    @Path("/{bot_id}/available")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.BOT })
    @Operation(operationId = "markBotAvailable", summary = "Mark a busy bot available")
    @APIResponse(responseCode = "200", description = "The bot", content = @Content(schema = @Schema(implementation = BotResponse.class)))
    @APIResponse(responseCode = "404", description = "No such bot", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The bot is offline", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<BotResponse> markAvailable(@PathParam("bot_id") String botId) {
        return bots.markAvailable(self(botId)).map(BotResponse::of);
    }

    @POST
    @Path("/{bot_id}/token")
    @RolesAllowed({ Roles.ADMIN })
    @Operation(operationId = "rotateBotToken", summary = "Issue a new token for a bot; the previous one stops working at once")
    @APIResponse(responseCode = "200", description = "The new token, shown this once", content = @Content(schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(responseCode = "404", description = "No such bot", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<TokenResponse> rotateToken(@PathParam("bot_id") String botId) {
        BotId id = id(botId);
        return audit.after(retirement.rotateToken(id), "bot.token.rotate", id)
                .map(token -> new TokenResponse(id.value(), token));
    }

    @DELETE
    @Path("/{bot_id}/token")
    @RolesAllowed({ Roles.ADMIN })
    @Operation(operationId = "revokeBotToken", summary = "Revoke a bot's token: it cannot connect until a new one is issued")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "No such bot", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> revokeToken(@PathParam("bot_id") String botId) {
        return audit.after(retirement.revokeToken(id(botId)), "bot.token.revoke", botId)
                .map(ignored -> Response.noContent().build());
    }

    @DELETE
    @Path("/{bot_id}")
    @RolesAllowed({ Roles.ADMIN })
    @Operation(operationId = "deleteBot", summary = "Delete a bot that holds no task")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such bot", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The bot holds tasks", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> delete(@PathParam("bot_id") String botId) {
        return audit.after(retirement.delete(id(botId)), "bot.delete", botId)
                .map(ignored -> Response.noContent().build());
    }

    private static BotId id(String value) {
        return new BotId(Params.uuid("bot_id", value));
    }
}
