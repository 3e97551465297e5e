package io.clawbot.coordinator.adapters.rest.bot;

import io.clawbot.coordinator.domain.bot.Bot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the bot API (seed 000's, snake_case). */
public final class BotDtos {

    private BotDtos() {
    }

    @Schema(name = "RegisterBotRequest")
    public record RegisterBotRequest(
            @Schema(required = true, example = "build-bot-01", description = "Unique name, 1-100 characters") String name,
            @Schema(example = "[\"python\", \"docker\", \"build\"]", description = "What the bot can do; task types it may take") List<String> capabilities,
            @Schema(description = "Free-form JSON object") Map<String, Object> metadata) {
    }

    @Schema(name = "RegisteredBot", description = "A newly registered bot with its token, shown this once")
    public record RegisteredBotResponse(
            UUID id,
            String name,
            List<String> capabilities,
            String status,
            Map<String, Object> metadata,
            int slots,
            Instant lastHeartbeatAt,
            Instant createdAt,
            Instant updatedAt,
            @Schema(description = "Authenticates the bot on the WebSocket; store it, it is not shown again") String token) {

        public static RegisteredBotResponse of(Bot bot, String token) {
            return new RegisteredBotResponse(bot.id().value(), bot.name(), bot.capabilities(), bot.status().wire(),
                    bot.metadata(), bot.slots(), bot.lastHeartbeatAt(), bot.createdAt(), bot.updatedAt(), token);
        }
    }

    @Schema(name = "BotToken")
    public record TokenResponse(UUID botId, String token) {
    }

    // The formatter mishandles records with annotated components.
    // @formatter:off
    @Schema(name = "Bot")
    public record BotResponse(
            UUID id,
            String name,
            List<String> capabilities,
            @Schema(enumeration = {
                    "offline", "online", "busy" }) String status,
            Map<String, Object> metadata,
            int slots,
            Instant lastHeartbeatAt,
            Instant createdAt,
            Instant updatedAt) {
        // @formatter:on

        public static BotResponse of(Bot bot) {
            return new BotResponse(bot.id().value(), bot.name(), bot.capabilities(), bot.status().wire(),
                    bot.metadata(), bot.slots(), bot.lastHeartbeatAt(), bot.createdAt(), bot.updatedAt());
        }
    }
}
