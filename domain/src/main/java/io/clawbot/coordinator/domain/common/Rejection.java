package io.clawbot.coordinator.domain.common;

import java.util.Objects;

/** A refused step: the kind of refusal, for machines, and what exactly was refused, for people. */
public record Rejection(Refusal reason, String detail) {

    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** The rejection as the failure a use case reports. */
    public InvalidTransitionException toException() {
        return new InvalidTransitionException(this);
    }
}
