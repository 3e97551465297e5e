package io.clawbot.coordinator.domain.schedule;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a schedule does when it finds an occurrence that was due longer ago than the misfire threshold (the
 * coordinator was down, or the schedule could not be fired): either way it then waits for the first occurrence
 * after now, so the missed ones are never caught up one by one.
 */
public enum MisfirePolicy {
    /** Fire nothing for the missed occurrences. */
    SKIP,
    /** Fire once for all the missed occurrences together. */
    FIRE_ONCE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy with this wire name; anything else is a validation error of {@code field}. */
    public static MisfirePolicy fromWire(String field, String value) {
        for (MisfirePolicy p : values()) {
            if (p.wire().equals(value)) {
                return p;
            }
        }
        throw new ValidationException(field,
                "must be one of " + String.join(", ", Arrays.stream(values()).map(MisfirePolicy::wire).toList()));
    }
}
