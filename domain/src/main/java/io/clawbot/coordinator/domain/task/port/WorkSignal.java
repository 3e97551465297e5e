package io.clawbot.coordinator.domain.task.port;

/**
 * Says that work may be available: a task became pending or a bot has a free slot. Receivers dispatch soon
 * after; signals may be coalesced or lost, since a periodic tick dispatches anyway.
 */
public interface WorkSignal {

    void workMayBeAvailable();
}
