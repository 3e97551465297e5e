package io.clawbot.coordinator.adapters.rest.bot;

import io.clawbot.coordinator.adapters.rest.access.Audit;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.application.bot.BotHealthWatch;
import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.domain.health.BotHealth;
import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/bots/{bot_id}/health")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Bots", description = "Register and monitor bot workers")
public class BotHealthResource {

    private final BotHealthWatch health;
    private final BotLifecycle bots;
    private final Audit audit;
    private final InstantSource clock;

    public BotHealthResource(BotHealthWatch health, BotLifecycle bots, Audit audit, InstantSource clock) {
        this.health = health;
        this.bots = bots;
        this.audit = audit;
        this.clock = clock;
    }

    // @formatter:off
    @Schema(name = "BotTypeHealth", description = "How well a bot works one task type", requiredProperties = { "type", "score", "samples", "quarantined", "quarantines" })
    public record BotTypeHealthResponse(
            @Schema(description = "The task type") String type,
            @Schema(description = "The moving average of its attempts' outcomes (1 completed, 0 failed or timed out), from 0 to 1; it starts at 1", minimum = "0", maximum = "1") double score,
            @Schema(description = "Outcomes counted since its first attempt of the type or its last quarantine") long samples,
            @Schema(description = "Whether it is quarantined for the type now: offered no new tasks of it") boolean quarantined,
            @Schema(description = "Until when it is quarantined; only while it is") Instant quarantinedUntil,
            @Schema(description = "Why it was last quarantined; absent when it never was") String reason,
            @Schema(description = "How many times it was quarantined for the type") int quarantines,
            @Schema(description = "When the score last changed") Instant updatedAt) {
        // @formatter:on

        static BotTypeHealthResponse of(BotHealth h, Instant now) {
            boolean quarantined = h.quarantinedAt(now);
            return new BotTypeHealthResponse(h.type(), h.score(), h.samples(), quarantined,
                    quarantined ? h.quarantinedUntil() : null, h.reason(), h.quarantines(), h.updatedAt());
        }
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "getBotHealth", summary = "How well a bot works each task type, and its quarantines", description = "One score per task type it has ended an attempt of: the moving average of its outcomes. A failure that brings a score under the threshold (coordinator.bots.health.threshold) quarantines the bot for that type: it is offered no new tasks of it for the cool-down, while its other capabilities still serve.")
    @APIResponse(responseCode = "200", description = "Its scores, by type", content = @Content(schema = @Schema(implementation = BotTypeHealthResponse.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID")
    @APIResponse(responseCode = "404", description = "No such bot")
    public Uni<List<BotTypeHealthResponse>> get(@PathParam("bot_id") String botId) {
        BotId id = id(botId);
        return bots.get(id).flatMap(bot -> health.of(id)).map(all -> {
            Instant now = clock.instant();
            return all.stream().map(h -> BotTypeHealthResponse.of(h, now)).toList();
        });
    }

    @POST
    @Path("/{type}/release")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "releaseBotQuarantine", summary = "End a bot's quarantine for a task type now", description = "The bot is offered tasks of the type again at once, on probation: its outcomes of the type count from none again. Releasing a bot that is not quarantined for the type answers 200 and changes nothing.")
    @APIResponse(responseCode = "200", description = "Its score for the type, released", content = @Content(schema = @Schema(implementation = BotTypeHealthResponse.class)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID or the type not a valid name")
    @APIResponse(responseCode = "404", description = "No such bot, or it has no score for the type")
    public Uni<BotTypeHealthResponse> release(@PathParam("bot_id") String botId, @PathParam("type") String type) {
        BotId id = id(botId);
        return audit.after(bots.get(id).flatMap(bot -> health.release(id, type)), "bot.release", id + "/" + type)
                .map(h -> BotTypeHealthResponse.of(h, clock.instant()));
    }

    private static BotId id(String value) {
        return new BotId(Params.uuid("bot_id", value));
    }
}
