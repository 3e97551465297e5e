package io.clawbot.coordinator.application.access;

import io.clawbot.coordinator.domain.access.Secrets;
import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.domain.access.Principal;
import io.smallrye.mutiny.Uni;

/** Who a bearer secret belongs to: a client's API key ({@code cbk_}) or a bot's token ({@code cbt_}). */
public final class Callers {

    private final ApiKeys keys;
    private final BotLifecycle bots;

    public Callers(ApiKeys keys, BotLifecycle bots) {
        this.keys = keys;
        this.bots = bots;
    }

    /** The caller, or {@code null} when the secret is not a live key or token. */
    public Uni<Principal> authenticate(String secret) {
        if (secret == null) {
            return Uni.createFrom().nullItem();
        }
        if (secret.startsWith(Secrets.BOT_TOKEN_PREFIX)) {
            return bots.authenticate(secret).map(bot -> bot == null ? null : new Principal.Bot(bot.id()));
        }
        return keys.authenticate(secret).map(client -> client);
    }
}
