package io.clawbot.coordinator.domain.insight;

/**
 * The bots that could take tasks of one type (those with it as a capability; every bot for a task without a
 * type), and how much room they have.
 *
 * @param registered how many such bots exist
 * @param available how many are online or busy (connected, with a recent heartbeat)
 * @param slots the slots of the available ones
 * @param held the tasks the available ones hold
 */
public record Capacity(long registered, long available, long slots, long held) {

    public long free() {
        return Math.max(0, slots - held);
    }
}
