package io.clawbot.coordinator.domain.task.port;

import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * The heartbeats of connected bots, with the leases of the tasks they run (hence beside {@link TaskLeases}). A
 * store may gather the heartbeats that arrive together and write them in one statement, so that a fleet's
 * heartbeats cost the database a bounded number of writes per replica rather than one per bot. A heartbeat moves
 * the bot's last-heartbeat time, which the stale-bot sweep reads, and nothing else of it: bringing an offline bot
 * back is the registry's full read-and-write path.
 */
public interface BotHeartbeats {

    /**
     * Records the heartbeat of a bot that is online or busy and renews its running tasks' leases: those listed
     * (each at its attempt), or every running task of the bot when {@code running} is {@code null}.
     *
     * @return {@code true} once it is recorded; {@code false} when the bot is offline or unknown, and nothing was
     *         written for it
     */
    Uni<Boolean> beat(BotId bot, List<TaskLeases.Running> running);
}
