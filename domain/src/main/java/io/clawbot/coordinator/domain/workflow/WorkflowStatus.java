package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.task.TaskStatus;
import java.util.Collection;
import java.util.Locale;

/** A workflow's status, always derived from its steps' statuses. */
public enum WorkflowStatus {
    PENDING, IN_PROGRESS, COMPLETED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /**
     * The derivation rule: a failed or timed-out step fails the workflow; otherwise a cancelled step cancels it; all steps
     * completed completes it; any step taken by a bot (or finished) means in progress; else pending.
     */
    public static WorkflowStatus derive(Collection<TaskStatus> steps) {
        if (steps.contains(TaskStatus.FAILED) || steps.contains(TaskStatus.TIMED_OUT)) {
            return FAILED;
        }
        if (steps.contains(TaskStatus.CANCELLED)) {
            return CANCELLED;
        }
        if (!steps.isEmpty() && steps.stream().allMatch(s -> s == TaskStatus.COMPLETED)) {
            return COMPLETED;
        }
        if (steps.stream().anyMatch(s -> s.isHeldByBot() || s == TaskStatus.COMPLETED)) {
            return IN_PROGRESS;
        }
        return PENDING;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WorkflowStatus fromWire(String value) {
        for (WorkflowStatus s : values()) {
            if (s.wire().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown workflow status: " + value);
    }
}
