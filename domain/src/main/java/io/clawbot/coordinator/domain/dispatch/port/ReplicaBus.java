package io.clawbot.coordinator.domain.dispatch.port;

import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.Task;

/**
 * Best-effort messages between coordinator replicas. Delivery is at most once: every use must stay correct when a
 * message is lost, because the periodic dispatch tick and the leases cover what it would have sped up. Sending
 * never fails and never waits for the other replicas.
 */
public interface ReplicaBus {

    /** Tells the other replicas that work may be available for their bots. */
    void announceWork();

    /**
     * Asks the replica holding the task's bot's connection to push this assignment to it.
     *
     * @param replica that replica's name, or {@code null} when it is not known: every replica is asked
     */
    void relayAssignment(Task task, String replica);

    /**
     * Asks the replica holding the task's bot's connection to tell it to stop working on the task.
     *
     * @param replica as for {@link #relayAssignment(Task, String)}
     */
    void relayCancel(Task task, String reason, String replica);

    /**
     * Asks the replica holding the bot's connection to close it for good.
     *
     * @param replica as for {@link #relayAssignment(Task, String)}
     */
    void relayDisconnect(BotId botId, String reason, String replica);
}
