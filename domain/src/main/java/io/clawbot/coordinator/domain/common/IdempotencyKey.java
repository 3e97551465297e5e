package io.clawbot.coordinator.domain.common;

/**
 * A client-chosen key that makes a creation request safe to repeat, with the fingerprint of the request it
 * was first used for. A repeat with the same fingerprint returns the original resource; another fingerprint
 * is rejected.
 */
public record IdempotencyKey(String key, String fingerprint) {

    public static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        if (key == null || key.isBlank()) {
            throw new ValidationException("Idempotency-Key", "must not be blank");
        }
        if (key.length() > MAX_LENGTH) {
            throw new ValidationException("Idempotency-Key", "must be at most " + MAX_LENGTH + " characters");
        }
        if (fingerprint == null || fingerprint.isBlank()) {
            throw new IllegalArgumentException("fingerprint is required");
        }
    }
}
