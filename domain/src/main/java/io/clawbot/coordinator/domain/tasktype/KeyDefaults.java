package io.clawbot.coordinator.domain.tasktype;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.KeyTemplate;
import io.clawbot.coordinator.domain.task.RateLimit;
import java.util.Map;

/**
 * The concurrency key, the fairness key and the rate limit key a task type gives its tasks when a request states
 * none, as templates with {@code ${payload.<field>}} placeholders resolved against each task's payload: one
 * declaration for every task of the type, whoever submits it (a client, a schedule, a trigger).
 *
 * @param concurrencyKey with {@code maxConcurrency}, or neither
 * @param fairnessWeight only with {@code fairnessKey}; 1 when not given
 * @param rateLimitKey with {@code ratePerSecond}, or neither
 * @param rateBurst only with {@code rateLimitKey}; a second's worth when not given
 */
public record KeyDefaults(String concurrencyKey, Integer maxConcurrency, String fairnessKey, Integer fairnessWeight,
        String rateLimitKey, Double ratePerSecond, Integer rateBurst) {

    public KeyDefaults {
        if ((concurrencyKey == null) != (maxConcurrency == null)) {
            throw new ValidationException(concurrencyKey == null ? "concurrency_key" : "max_concurrency",
                    "is required with " + (concurrencyKey == null ? "max_concurrency" : "concurrency_key"));
        }
        if (concurrencyKey != null) {
            new ConcurrencyLimit(concurrencyKey, maxConcurrency);
            KeyTemplate.check("concurrency_key", concurrencyKey);
        }
        if (fairnessKey == null && fairnessWeight != null) {
            throw new ValidationException("fairness_key", "is required with fairness_weight");
        }
        if (fairnessKey != null) {
            new FairShare(fairnessKey, fairnessWeight == null ? FairShare.MIN_WEIGHT : fairnessWeight);
            KeyTemplate.check("fairness_key", fairnessKey);
        }
        if (rateLimitKey == null && (ratePerSecond != null || rateBurst != null)) {
            throw new ValidationException("rate_limit_key", "is required with rate_per_second and rate_burst");
        }
        if (rateLimitKey != null) {
            if (ratePerSecond == null) {
                throw new ValidationException("rate_per_second", "is required with rate_limit_key");
            }
            new RateLimit(rateLimitKey, ratePerSecond, rateBurst == null ? RateLimit.MIN_BURST : rateBurst);
            KeyTemplate.check("rate_limit_key", rateLimitKey);
        }
    }

    /** The defaults a registration states; {@code null} when it states none. */
    public static KeyDefaults of(String concurrencyKey, Integer maxConcurrency, String fairnessKey,
            Integer fairnessWeight, String rateLimitKey, Double ratePerSecond, Integer rateBurst) {
        if (concurrencyKey == null && maxConcurrency == null && fairnessKey == null && fairnessWeight == null
                && rateLimitKey == null && ratePerSecond == null && rateBurst == null) {
            return null;
        }
        return new KeyDefaults(concurrencyKey, maxConcurrency, fairnessKey, fairnessWeight, rateLimitKey,
                ratePerSecond, rateBurst);
    }

    /** The defaults of a registration that states no rate limit key. */
    public static KeyDefaults of(String concurrencyKey, Integer maxConcurrency, String fairnessKey,
            Integer fairnessWeight) {
        return of(concurrencyKey, maxConcurrency, fairnessKey, fairnessWeight, null, null, null);
    }

    /**
     * The concurrency limit of a task of the type with this payload; {@code null} when the type sets no key.
     *
     * @throws ValidationException naming {@code payload} when the payload lacks a field the key takes
     */
    public ConcurrencyLimit concurrency(String type, Map<String, Object> payload) {
        return concurrencyKey == null
                ? null
                : resolved(type, () -> ConcurrencyLimit.of(concurrencyKey,
                        maxConcurrency, payload));
    }

    /**
     * The fair share of a task of the type with this payload; {@code null} when the type sets no key.
     *
     * @throws ValidationException naming {@code payload} when the payload lacks a field the key takes
     */
    public FairShare fairness(String type, Map<String, Object> payload) {
        return fairnessKey == null ? null : resolved(type, () -> FairShare.of(fairnessKey, fairnessWeight, payload));
    }

    /**
     * The rate limit of a task of the type with this payload; {@code null} when the type sets no key.
     *
     * @throws ValidationException naming {@code payload} when the payload lacks a field the key takes
     */
    public RateLimit rate(String type, Map<String, Object> payload) {
        return rateLimitKey == null
                ? null
                : resolved(type, () -> RateLimit.of(rateLimitKey, ratePerSecond, rateBurst, payload));
    }

    private static <T> T resolved(String type, java.util.function.Supplier<T> resolve) {
        try {
            return resolve.get();
        } catch (ValidationException e) {
            throw new ValidationException("payload", "task type '" + type + "' takes its " + e.field()
                    + " from the payload: " + e.detail());
        }
    }
}
