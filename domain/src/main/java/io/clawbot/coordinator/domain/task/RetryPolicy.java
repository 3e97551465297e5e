package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How often a task may be tried and how long to wait between tries. Every attempt counts: one that fails, times
 * out or whose bot lets its lease lapse is retried while fewer than {@code maxAttempts} attempts were made and
 * its error code is not in {@code nonRetryableErrors}; otherwise the task ends (failed or timed out) and waits
 * in the dead-letter list for a redrive.
 *
 * <p>
 * The wait before retry {@code n} (the first retry is 1) is {@code initialBackoff * multiplier^(n-1)}, capped at
 * {@code maxBackoff}, then shortened by a random share of up to {@code jitter} of itself so that tasks that
 * failed together do not come back together.
 *
 * @param maxAttempts attempts in all, including the first; 1 means never retry
 * @param jitter 0 (none) to 1 (anywhere between zero and the full wait)
 * @param nonRetryableErrors error codes that end the task at once
 */
public record RetryPolicy(
        int maxAttempts,
        Duration initialBackoff,
        double multiplier,
        Duration maxBackoff,
        double jitter,
        Set<String> nonRetryableErrors) {

    public static final int MAX_ATTEMPTS = 100;
    public static final int MAX_BACKOFF_SECONDS = 24 * 3600;
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(MAX_BACKOFF_SECONDS);
    public static final double MAX_MULTIPLIER = 10;
    public static final int MAX_NON_RETRYABLE_ERRORS = 50;

    /** The built-in default: three attempts, waits of 1 s, 2 s, ... up to 5 minutes, 20 % jitter. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5),
            0.2, Set.of());

    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            throw new ValidationException("retry.max_attempts", "must be between 1 and " + MAX_ATTEMPTS);
        }
        requireWithin("retry.backoff_seconds", initialBackoff);
        requireWithin("retry.max_backoff_seconds", maxBackoff);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new ValidationException("retry.max_backoff_seconds", "must not be less than retry.backoff_seconds");
        }
        if (!(multiplier >= 1 && multiplier <= MAX_MULTIPLIER)) {
            throw new ValidationException("retry.backoff_multiplier", "must be between 1 and " + (int) MAX_MULTIPLIER);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new ValidationException("retry.jitter", "must be between 0 and 1");
        }
        if (nonRetryableErrors == null) {
            nonRetryableErrors = Set.of();
        }
        if (nonRetryableErrors.size() > MAX_NON_RETRYABLE_ERRORS) {
            throw new ValidationException("retry.non_retryable_errors",
                    "must hold at most " + MAX_NON_RETRYABLE_ERRORS + " error codes");
        }
        nonRetryableErrors.forEach(code -> Names.token("retry.non_retryable_errors", code));
        nonRetryableErrors = Set.copyOf(nonRetryableErrors);
    }

    private static void requireWithin(String field, Duration value) {
        if (value == null || value.isNegative() || value.compareTo(MAX_BACKOFF) > 0) {
            throw new ValidationException(field, "must be between 0 and " + MAX_BACKOFF.toSeconds());
        }
    }

    /**
     * Whether an attempt that ended with {@code errorCode} may be followed by another.
     *
     * @param attemptsMade attempts made under this policy so far, the one that just ended included
     */
    public boolean allowsRetry(int attemptsMade, String errorCode) {
        return attemptsMade < maxAttempts && (errorCode == null || !nonRetryableErrors.contains(errorCode));
    }

    /**
     * The wait before retry {@code retry} (1 for the first).
     *
     * @param random a number in [0, 1) that picks the jitter
     */
    public Duration backoff(int retry, double random) {
        double seconds = initialBackoff.toNanos() / 1e9 * Math.pow(multiplier, Math.max(0, retry - 1));
        double capped = Math.min(seconds, maxBackoff.toNanos() / 1e9);
        double jittered = capped * (1 - jitter * random);
        return Duration.ofNanos((long) (jittered * 1e9));
    }

    /** This policy with a client's choices laid over it; the fields the client left out keep their values. */
    public RetryPolicy with(Overrides overrides) {
        if (overrides == null) {
            return this;
        }
        Duration nextBackoff = overrides.backoffSeconds() == null
                ? initialBackoff
                : seconds("retry.backoff_seconds", overrides.backoffSeconds());
        // A first wait above the inherited cap raises the cap with it; a cap the client gives is checked as given.
        Duration inheritedCap = nextBackoff.compareTo(maxBackoff) > 0 ? nextBackoff : maxBackoff;
        return new RetryPolicy(
                overrides.maxAttempts() == null ? maxAttempts : overrides.maxAttempts(),
                nextBackoff,
                overrides.multiplier() == null ? multiplier : overrides.multiplier(),
                overrides.maxBackoffSeconds() == null
                        ? inheritedCap
                        : seconds("retry.max_backoff_seconds", overrides.maxBackoffSeconds()),
                overrides.jitter() == null ? jitter : overrides.jitter(),
                overrides.nonRetryableErrors() == null
                        ? nonRetryableErrors
                        : new LinkedHashSet<>(overrides.nonRetryableErrors()));
    }

    private static Duration seconds(String field, double seconds) {
        if (!(seconds >= 0 && seconds <= MAX_BACKOFF.toSeconds())) {
            throw new ValidationException(field, "must be between 0 and " + MAX_BACKOFF.toSeconds());
        }
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    /**
     * The retry fields a client or a task type's configuration may set; each is optional.
     *
     * @param backoffSeconds the first wait
     */
    public record Overrides(Integer maxAttempts, Double backoffSeconds, Double multiplier, Double maxBackoffSeconds,
            Double jitter, List<String> nonRetryableErrors) {

        public static final Overrides NONE = new Overrides(null, null, null, null, null, null);

        public Overrides {
            nonRetryableErrors = nonRetryableErrors == null ? null : List.copyOf(nonRetryableErrors);
        }
    }
}
