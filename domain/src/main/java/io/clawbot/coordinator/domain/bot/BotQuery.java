package io.clawbot.coordinator.domain.bot;

/**
 * Filters for listing bots; every field is optional.
 *
 * @param capability only bots that declare this capability
 * @param status only bots with this stored status
 * @param availableOnly only bots that are online and not stale
 */
public record BotQuery(String capability, BotStatus status, boolean availableOnly) {

    public static BotQuery all() {
        return new BotQuery(null, null, false);
    }

    public static BotQuery available(String capability) {
        return new BotQuery(capability, null, true);
    }
}
