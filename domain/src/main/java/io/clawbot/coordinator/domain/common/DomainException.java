package io.clawbot.coordinator.domain.common;

/**
 * The one error vocabulary of the core. Each subtype has a stable {@link #code()} that adapters expose
 * (the problem+json {@code type}); the message is written for a human and never names a class.
 */
public abstract sealed class DomainException extends RuntimeException
        permits NotFoundException, ConflictException, InvalidTransitionException, ValidationException,
        IdempotencyKeyReusedException, ForbiddenException {

    private final String code;

    protected DomainException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** A stable, lower-kebab-case identifier of the kind of failure, e.g. {@code task-not-found}. */
    public String code() {
        return code;
    }
}
