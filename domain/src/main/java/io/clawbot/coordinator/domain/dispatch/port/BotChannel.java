package io.clawbot.coordinator.domain.dispatch.port;

import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/** Pushes messages to the bots: those connected to this replica, and through the others, theirs. */
public interface BotChannel {

    /** A live bot session on this replica, with what the bot can take. */
    record Connection(BotId botId, List<String> capabilities, int slots, Instant connectedAt) {

        public Connection {
            capabilities = List.copyOf(capabilities);
        }
    }

    /** The bots connected to this replica that can be offered work now (none while it drains). */
    List<Connection> connections();

    /**
     * Sends the task to its assigned bot.
     *
     * @return {@code true} when the message was handed to the bot's socket here or relayed to the replica known to
     *         hold its connection, {@code false} when no replica is known to hold it
     */
    Uni<Boolean> pushAssignment(Task task);

    /**
     * Tells the bot that held {@code task} (as it was before it ended or was taken back) to stop working on it.
     *
     * @return as for {@link #pushAssignment(Task)}
     */
    Uni<Boolean> pushCancel(Task task, String reason);

    /**
     * Ends the bot's session wherever it is connected, for good (see {@link BotSockets#disconnect}).
     *
     * @return as for {@link #pushAssignment(Task)}
     */
    Uni<Boolean> disconnect(BotId botId, String reason);
}
