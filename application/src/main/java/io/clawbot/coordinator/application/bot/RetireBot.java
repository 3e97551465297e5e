package io.clawbot.coordinator.application.bot;

import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;

/**
 * Takes a bot's access away: deleting it, or rotating or revoking its token, also ends the session it holds,
 * wherever it is connected (close code 4003), so that a deleted bot is offered no more work and a stolen token
 * stops working at once, not at the next reconnect.
 */
public final class RetireBot {

    private final BotLifecycle bots;
    private final BotChannel channel;

    public RetireBot(BotLifecycle bots, BotChannel channel) {
        this.bots = bots;
        this.channel = channel;
    }

    /** Deletes a bot that holds no task, and ends its session. */
    public Uni<Void> delete(BotId id) {
        return bots.delete(id).call(() -> disconnect(id, "the bot was deleted"));
    }

    /** Issues a new token, and ends the session opened with the old one. */
    public Uni<String> rotateToken(BotId id) {
        return bots.rotateToken(id)
                .call(() -> disconnect(id, "the bot's token was replaced; connect with the new one"));
    }

    /** Revokes the token, and ends the session opened with it. */
    public Uni<Void> revokeToken(BotId id) {
        return bots.revokeToken(id).call(() -> disconnect(id, "the bot's token was revoked"));
    }

    /** Best effort: the change is already stored; a session that misses the message fails its next report. */
    private Uni<Boolean> disconnect(BotId id, String reason) {
        return channel.disconnect(id, reason).onFailure().recoverWithItem(false);
    }
}
