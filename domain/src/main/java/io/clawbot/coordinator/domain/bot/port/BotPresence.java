package io.clawbot.coordinator.domain.bot.port;

import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;

/**
 * Which replica holds each bot's connection. Written when the bot connects and again on each heartbeat, kept only
 * for a limited time, so that a replica that died without a word is forgotten, and cleared when the connection
 * closes. Best effort: an unknown or outdated answer only means that a message for the bot goes to every replica
 * instead of one, or is lost and covered by the leases. No operation fails or waits long.
 */
public interface BotPresence {

    /** This replica's name, as {@link #whereIs(BotId)} gives it. */
    String self();

    /** The bot's connection is on this replica now. */
    void here(BotId bot);

    /** The bot's connection to this replica closed; an entry another replica has written since is kept. */
    void gone(BotId bot);

    /** The name of the replica holding the bot's connection, or {@code null} when it is not known. */
    Uni<String> whereIs(BotId bot);
}
