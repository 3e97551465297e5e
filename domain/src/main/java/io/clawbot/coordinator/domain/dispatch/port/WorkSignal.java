package io.clawbot.coordinator.domain.dispatch.port;

/**
 * Says that work may be available: a task became pending or a bot has a free slot. Receivers dispatch soon
 * after; signals may be coalesced or lost, since a periodic tick dispatches anyway.
 */
public interface WorkSignal {

    /** A task became pending, or work may be available for any replica's bots. */
    void workMayBeAvailable();

    /**
     * A bot whose connection is on this replica can take more work: it connected, raised its slots or finished a
     * task. Only this replica dispatches to it, so only this replica needs to look; by default, as
     * {@link #workMayBeAvailable()}.
     */
    default void slotFreedHere() {
        workMayBeAvailable();
    }
}
