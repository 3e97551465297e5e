package io.clawbot.coordinator.domain.common;

/** A lifecycle step that the current state does not allow; {@link #reason()} says which kind of refusal. */
public final class InvalidTransitionException extends DomainException {

    private final Refusal reason;

    public InvalidTransitionException(Rejection rejection) {
        super(rejection.reason().code(), rejection.detail());
        this.reason = rejection.reason();
    }

    public InvalidTransitionException(Refusal reason, String detail) {
        this(new Rejection(reason, detail));
    }

    public Refusal reason() {
        return reason;
    }
}
