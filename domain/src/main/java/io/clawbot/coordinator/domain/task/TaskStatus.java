package io.clawbot.coordinator.domain.task;

import java.util.Locale;

/**
 * The lifecycle of a task. {@code waiting} is a workflow step whose turn has not come; it becomes
 * {@code pending} (claimable) when it may run, or {@code skipped} when its workflow will not reach it.
 */
public enum TaskStatus {
    WAITING, PENDING, ASSIGNED, IN_PROGRESS, COMPLETED, FAILED, TIMED_OUT, CANCELLED, SKIPPED;

    /** No transition leaves a terminal status. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == TIMED_OUT || this == CANCELLED || this == SKIPPED;
    }

    /** Held by a bot: assigned to it or running on it. */
    public boolean isHeldByBot() {
        return this == ASSIGNED || this == IN_PROGRESS;
    }

    /** The lower-case name used on the wire and in the database. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskStatus fromWire(String value) {
        for (TaskStatus s : values()) {
            if (s.wire().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown task status: " + value);
    }
}
