package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.Map;

/**
 * At most {@code max} tasks of one key held by bots at once (assigned or running), counted across every replica:
 * a task of a key at its limit stays pending until one of the key's tasks ends. Keys name what must not be worked
 * on too much at once: a customer, a repository, an account.
 *
 * @param key the key, as stated or resolved from the payload; 1 to {@value #MAX_KEY_LENGTH} characters
 * @param max how many of the key's tasks bots may hold at once, {@value #MIN_MAX} to {@value #MAX_MAX}
 */
public record ConcurrencyLimit(String key, int max) {

    public static final int MAX_KEY_LENGTH = 200;
    public static final int MIN_MAX = 1;
    public static final int MAX_MAX = 100_000;

    public ConcurrencyLimit {
        if (key == null || key.isBlank()) {
            throw new ValidationException("concurrency_key", "must not be blank");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new ValidationException("concurrency_key", "must be at most " + MAX_KEY_LENGTH + " characters");
        }
        if (max < MIN_MAX || max > MAX_MAX) {
            throw new ValidationException("max_concurrency", "must be between " + MIN_MAX + " and " + MAX_MAX);
        }
    }

    /**
     * The limit a submission states, its key's placeholders resolved against the payload; {@code null} when it
     * states none. A key and a limit come together.
     *
     * @param key the key as submitted, with {@code ${payload.<field>}} placeholders (a dotted field nests)
     */
    public static ConcurrencyLimit of(String key, Integer max, Map<String, Object> payload) {
        if (key == null && max == null) {
            return null;
        }
        if (key == null) {
            throw new ValidationException("concurrency_key", "is required with max_concurrency");
        }
        if (max == null) {
            throw new ValidationException("max_concurrency", "is required with concurrency_key");
        }
        String resolved = KeyTemplate.resolve("concurrency_key", key, payload, MAX_KEY_LENGTH);
        return new ConcurrencyLimit(resolved, max);
    }
}
