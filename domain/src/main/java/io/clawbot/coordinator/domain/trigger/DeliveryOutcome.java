package io.clawbot.coordinator.domain.trigger;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.Arrays;
import java.util.Locale;

/** What became of one delivery to a trigger. */
public enum DeliveryOutcome {
    /** Verified and stored; its work is being created (it ends accepted, or rejected if the work is refused). */
    RECEIVED,
    /** Its work was created. */
    ACCEPTED,
    /** The sender's repeat of an event already received: nothing new was created. */
    DUPLICATE,
    /** Verified, but it starts nothing: a bot's own message, or an event the trigger's match does not take. */
    FILTERED,
    /** Refused: a bad signature, a stale timestamp, a rate limit, a body that cannot be read, or work refused. */
    REJECTED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryOutcome fromWire(String field, String value) {
        for (DeliveryOutcome o : values()) {
            if (o.wire().equals(value)) {
                return o;
            }
        }
        throw new ValidationException(field,
                "must be one of " + String.join(", ", Arrays.stream(values()).map(DeliveryOutcome::wire).toList()));
    }
}
