package io.clawbot.coordinator.domain.bot.port;

import io.clawbot.coordinator.domain.task.Task;

/**
 * Best-effort messages between coordinator replicas. Delivery is at most once: every use must stay correct when a
 * message is lost, because the periodic dispatch tick and the leases cover what it would have sped up. Sending
 * never fails and never waits for the other replicas.
 */
public interface ReplicaBus {

    /** Tells the other replicas that work may be available for their bots. */
    void announceWork();

    /** Asks the replica holding the task's bot's connection to push this assignment to it. */
    void relayAssignment(Task task);

    /** Asks the replica holding the task's bot's connection to tell it to stop working on the task. */
    void relayCancel(Task task, String reason);
}
