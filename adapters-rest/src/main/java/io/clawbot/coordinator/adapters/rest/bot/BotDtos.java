package io.clawbot.coordinator.adapters.rest.bot;

import io.clawbot.coordinator.application.bot.RegisterBotCommand;
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
            @Schema(required = true, example = "build-bot-01", description = "Unique name", minLength = 1, maxLength = RegisterBotCommand.MAX_NAME_LENGTH) String name,
            @Schema(example = "[\"python\", \"docker\", \"build\"]", description = "What the bot can do; task types it may take", maxItems = RegisterBotCommand.MAX_CAPABILITIES) List<String> capabilities,
            @Schema(description = "Free-form JSON object") Map<String, Object> metadata) {
    }

    @Schema(name = "RegisteredBot", description = "A newly registered bot with its token, shown this once", requiredProperties = {
            "id", "name", "capabilities", "status", "metadata", "slots", "created_at", "updated_at", "token" })
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

    @Schema(name = "BotToken", requiredProperties = { "bot_id", "token" })
    public record TokenResponse(UUID botId, String token) {
    }

    // The formatter mishandles records with annotated components.
    // @formatter:off
    @Schema(name = "Bot", requiredProperties = { "id", "name", "capabilities", "status", "metadata", "slots", "created_at", "updated_at" })
    public record BotResponse(
            UUID id,
            String name,
            List<String> capabilities,
            String status,
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
