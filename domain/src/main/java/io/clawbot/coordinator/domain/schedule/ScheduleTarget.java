package io.clawbot.coordinator.domain.schedule;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.Arrays;
import java.util.Locale;

/** What a schedule makes at each occurrence: a standalone task, or a workflow. */
public enum ScheduleTarget {
    /** The template is the body of {@code POST /api/v1/tasks}. */
    TASK,
    /** The template is the body of {@code POST /api/v1/workflows}. */
    WORKFLOW;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The target with this wire name; anything else is a validation error of {@code field}. */
    public static ScheduleTarget fromWire(String field, String value) {
        for (ScheduleTarget t : values()) {
            if (t.wire().equals(value)) {
                return t;
            }
        }
        throw new ValidationException(field,
                "must be one of " + String.join(", ", Arrays.stream(values()).map(ScheduleTarget::wire).toList()));
    }
}
