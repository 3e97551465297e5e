package io.clawbot.coordinator.domain.dispatch.port;

import io.clawbot.coordinator.domain.dispatch.port.BotChannel.Connection;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * The bot connections this replica holds, and nothing else: pushes to a bot connected elsewhere answer
 * {@code false}. The {@link BotChannel} the use cases see routes over these and the other replicas.
 */
public interface BotSockets {

    /** The bots connected here that can be offered work now (none while this replica drains). */
    List<Connection> connections();

    /** Sends the task to its assigned bot; {@code false} when the bot is not connected here. */
    Uni<Boolean> pushAssignment(Task task);

    /** Tells the bot that held {@code task} to stop working on it; {@code false} when it is not connected here. */
    Uni<Boolean> pushCancel(Task task, String reason);

    /**
     * Closes the bot's session here for good (the bot was deleted or its token replaced): it is told why and does
     * not come back with the same credentials; {@code false} when it is not connected here.
     */
    Uni<Boolean> disconnect(BotId botId, String reason);
}
