package io.clawbot.coordinator.adapters.rest.access;

import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.ForbiddenException;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.KeyId;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;

/** The authenticated caller of the current request, as the domain knows it. */
@RequestScoped
public class Caller {

    private final SecurityIdentity identity;

    public Caller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Principal principal() {
        Principal principal = identity.getAttribute(BearerIdentityProvider.PRINCIPAL);
        if (principal == null) {
            // Only endpoints that name their roles ask for the caller, and those are never anonymous.
            throw new IllegalStateException("no authenticated caller on this request");
        }
        return principal;
    }

    /** The client key, or {@code null} when a bot calls. */
    public Principal.Client client() {
        return principal() instanceof Principal.Client client ? client : null;
    }

    /** The key whose work the caller's reads are confined to; {@code null} when it reads all work. */
    public KeyId readScope() {
        Principal.Client client = client();
        return client == null ? null : client.readScope();
    }

    /** The calling bot, or {@code null} when a client calls. */
    public BotId bot() {
        return principal() instanceof Principal.Bot bot ? bot.botId() : null;
    }

    /** Refuses a bot acting on another bot's behalf; clients may act for any bot their role allows. */
    public void checkActsFor(BotId subject) {
        BotId self = bot();
        if (self != null && !self.equals(subject)) {
            throw new ForbiddenException("not-this-bot", "A bot's token acts only for that bot (" + self + ")");
        }
    }
}
