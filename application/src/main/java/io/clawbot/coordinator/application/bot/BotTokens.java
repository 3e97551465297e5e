package io.clawbot.coordinator.application.bot;

import io.clawbot.coordinator.domain.access.Secrets;

/** Bot tokens: {@link Secrets} with the {@code cbt_} prefix; only their SHA-256 is stored. */
public final class BotTokens {

    static final String PREFIX = Secrets.BOT_TOKEN_PREFIX;

    private BotTokens() {
    }

    public static String newToken() {
        return Secrets.newBotToken();
    }

    public static String hash(String token) {
        return Secrets.hash(token);
    }
}
