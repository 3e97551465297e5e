package io.clawbot.coordinator.domain.common;

/** An {@code Idempotency-Key} that was first used with a different request body. */
public final class IdempotencyKeyReusedException extends DomainException {

    public IdempotencyKeyReusedException(String key) {
        super("idempotency-key-reused",
                "Idempotency-Key '" + key + "' was already used with a different request body");
    }
}
