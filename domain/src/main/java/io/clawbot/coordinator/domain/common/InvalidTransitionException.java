package io.clawbot.coordinator.domain.common;

/** A lifecycle transition that the current state does not allow; the message says why. */
public final class InvalidTransitionException extends DomainException {

    public InvalidTransitionException(String reason) {
        super("invalid-transition", reason);
    }
}
