package io.clawbot.coordinator.domain.workflow;

import java.util.Locale;

/** A workflow's status, always derived from its steps' statuses ({@link DagPlan#status}). */
public enum WorkflowStatus {
    PENDING, IN_PROGRESS, COMPLETED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
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
