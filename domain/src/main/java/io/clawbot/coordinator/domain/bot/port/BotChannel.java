package io.clawbot.coordinator.domain.bot.port;

import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/** Pushes messages to bots connected to this replica. */
public interface BotChannel {

    /** A live bot session on this replica. */
    record Connection(BotId botId, Instant connectedAt) {
    }

    /** The bots connected to this replica now. */
    List<Connection> connections();

    /**
     * Sends the task to its assigned bot if that bot is connected here.
     *
     * @return {@code true} when the message was handed to the bot's socket, {@code false} when it is not
     *         connected to this replica
     */
    Uni<Boolean> pushAssignment(Task task);
}
