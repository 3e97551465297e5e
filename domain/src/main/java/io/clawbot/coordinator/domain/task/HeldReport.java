package io.clawbot.coordinator.domain.task;

/** What a bot reports about a task it holds, on the hot path ({@link FastPath}). */
public enum HeldReport {
    /** Assigned -> in progress, with the running lease. */
    START,
    /** Assigned or in progress -> completed, with a result. */
    COMPLETE,
    /** Assigned or in progress -> failed, with an error. */
    FAIL
}
