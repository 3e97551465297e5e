package io.clawbot.coordinator.domain.trigger;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.Arrays;
import java.util.Locale;

/** What a trigger makes of an event it matches. */
public enum TriggerTarget {
    /** A standalone task: the template is the body of {@code POST /api/v1/tasks}. */
    TASK,
    /** A workflow: the template is the body of {@code POST /api/v1/workflows}. */
    WORKFLOW,
    /** A run of a stored workflow definition: the template holds {@code name}, {@code version}, {@code input}. */
    DEFINITION;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TriggerTarget fromWire(String field, String value) {
        for (TriggerTarget t : values()) {
            if (t.wire().equals(value)) {
                return t;
            }
        }
        throw new ValidationException(field,
                "must be one of " + String.join(", ", Arrays.stream(values()).map(TriggerTarget::wire).toList()));
    }
}
