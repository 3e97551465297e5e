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
    @Operation(operationId = "registerBot", summary = "Register a new bot", description = "The bot starts offline with one slot and comes online when it connects or sends a heartbeat. Its capabilities (at most 64, duplicates dropped) are the task types it may take; a bot without any takes only tasks without a type. Only a hash of the token is kept; the token authenticates the bot on the WebSocket and for its own HTTP reports.")
    @APIResponse(responseCode = "201", description = "Registered; the response carries the bot's token, shown this once", content = @Content(schema = @Schema(implementation = RegisteredBotResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid or malformed body")
    @APIResponse(responseCode = "409", description = "The name is taken")
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
    @Operation(operationId = "listBots", summary = "List bots, optionally by capability and status", description = "Oldest registration first; capability matches bots that declare it and status matches the stored status. Pages take limit (1-500, default 50) and offset.")
    @APIResponse(responseCode = "200", description = "A page of bots")
    @APIResponse(responseCode = "400", description = "Invalid filter or page")
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
    @Operation(operationId = "listAvailableBots", summary = "List bots that are online and not stale, optionally by capability", description = "Available means a stored status of online (not busy) and a heartbeat within coordinator.bots.stale-after (90 s by default). Oldest registration first; pages take limit (1-500, default 50) and offset.")
    @APIResponse(responseCode = "200", description = "A page of available bots")
    @APIResponse(responseCode = "400", description = "Invalid page")
    public Uni<List<BotResponse>> available(@QueryParam("capability") String capability,
            @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return bots.list(BotQuery.available(capability), Params.page(limit, offset))
                .map(list -> list.stream().map(BotResponse::of).toList());
    }

    @GET
    @Path("/{bot_id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "getBot", summary = "Get a bot", description = "Answers the bot's stored status, capabilities, slots, metadata and last heartbeat; its token is never shown.")
    @APIResponse(responseCode = "200", description = "The bot", content = @Content(schema = @Schema(implementation = BotResponse.class)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID")
    @APIResponse(responseCode = "404", description = "No such bot")
    public Uni<BotResponse> get(@PathParam("bot_id") String botId) {
        return bots.get(id(botId)).map(BotResponse::of);
    }

    @POST
    @Path("/{bot_id}/heartbeat")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.BOT })
    @Operation(operationId = "botHeartbeat", summary = "Record a heartbeat; an offline bot comes online", description = "An offline bot becomes online, or busy when it already holds as many tasks as it has slots; an online or busy bot keeps its status, and a heartbeat within a second of the last recorded one changes nothing. A bot's token may send it only for its own id (403 otherwise); unlike a heartbeat on the WebSocket, it does not renew the leases of the bot's running tasks.")
    @APIResponse(responseCode = "200", description = "The bot after the heartbeat", content = @Content(schema = @Schema(implementation = BotResponse.class)))
    @APIResponse(responseCode = "404", description = "No such bot")
    public Uni<BotResponse> heartbeat(@PathParam("bot_id") String botId) {
        return bots.heartbeat(self(botId)).map(BotResponse::of);
    }

    @POST
    @Path("/{bot_id}/busy")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.BOT })
    @Operation(operationId = "markBotBusy", summary = "Mark an online bot busy", description = "Changes the stored status only: a busy bot drops out of listAvailableBots, while work pushed to a connected bot follows its free slots. Marking a busy bot busy answers 200 and changes nothing; an offline bot answers 409 until it sends a heartbeat. A bot's token may do this only for its own id.")
    @APIResponse(responseCode = "200", description = "The bot", content = @Content(schema = @Schema(implementation = BotResponse.class)))
    @APIResponse(responseCode = "404", description = "No such bot")
    @APIResponse(responseCode = "409", description = "The bot is offline")
    public Uni<BotResponse> busy(@PathParam("bot_id") String botId) {
        return bots.markBusy(self(botId)).map(BotResponse::of);
    }

    @POST
    @Path("/{bot_id}/available")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.BOT })
    @Operation(operationId = "markBotAvailable", summary = "Mark a busy bot available", description = "The bot becomes online again, whatever it holds; marking an online bot available answers 200 and changes nothing. An offline bot answers 409 until it sends a heartbeat. A bot's token may do this only for its own id.")
    @APIResponse(responseCode = "200", description = "The bot", content = @Content(schema = @Schema(implementation = BotResponse.class)))
    @APIResponse(responseCode = "404", description = "No such bot")
    @APIResponse(responseCode = "409", description = "The bot is offline")
    public Uni<BotResponse> markAvailable(@PathParam("bot_id") String botId) {
        return bots.markAvailable(self(botId)).map(BotResponse::of);
    }

    @POST
    @Path("/{bot_id}/token")
    @RolesAllowed({ Roles.ADMIN })
    @Operation(operationId = "rotateBotToken", summary = "Issue a new token for a bot; the previous one stops working at once", description = "Only a hash of the new token is kept. The bot's WebSocket session, on whichever replica holds it, is closed so that it reconnects with the new token.")
    @APIResponse(responseCode = "200", description = "The new token, shown this once", content = @Content(schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(responseCode = "404", description = "No such bot")
    public Uni<TokenResponse> rotateToken(@PathParam("bot_id") String botId) {
        BotId id = id(botId);
        return audit.after(retirement.rotateToken(id), "bot.token.rotate", id)
                .map(token -> new TokenResponse(id.value(), token));
    }

    @DELETE

    @Produces({ MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE })
    @Path("/{bot_id}/token")
    @RolesAllowed({ Roles.ADMIN })
    @Operation(operationId = "revokeBotToken", summary = "Revoke a bot's token: it cannot connect until a new one is issued", description = "The token no longer authenticates on the WebSocket or over HTTP, and the bot's open session is closed wherever it is connected; the bot stays registered until rotateBotToken gives it a new token. Revoking again answers 204.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "No such bot")
    public Uni<Response> revokeToken(@PathParam("bot_id") String botId) {
        return audit.after(retirement.revokeToken(id(botId)), "bot.token.revoke", botId)
                .map(ignored -> Response.noContent().build());
    }

    @DELETE

    @Produces({ MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE })
    @Path("/{bot_id}")
    @RolesAllowed({ Roles.ADMIN })
    @Operation(operationId = "deleteBot", summary = "Delete a bot that holds no task", description = "Removes the bot from the registry and closes its WebSocket session wherever it is connected; its token stops working. A bot holding assigned or running tasks answers 409 (bot-has-tasks) until they end or are cancelled.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such bot")
    @APIResponse(responseCode = "409", description = "The bot holds tasks")
    public Uni<Response> delete(@PathParam("bot_id") String botId) {
        return audit.after(retirement.delete(id(botId)), "bot.delete", botId)
                .map(ignored -> Response.noContent().build());
    }

    private static BotId id(String value) {
        return new BotId(Params.uuid("bot_id", value));
    }
}
