package io.clawbot.coordinator.domain.tasktype;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.KeyTemplate;
import java.util.Map;

/**
 * The concurrency key and the fairness key a task type gives its tasks when a request states none, as templates
 * with {@code ${payload.<field>}} placeholders resolved against each task's payload: one declaration for every
 * task of the type, whoever submits it (a client, a schedule, a trigger).
 *
 * @param concurrencyKey with {@code maxConcurrency}, or neither
 * @param fairnessWeight only with {@code fairnessKey}; 1 when not given
 */
public record KeyDefaults(String concurrencyKey, Integer maxConcurrency, String fairnessKey, Integer fairnessWeight) {

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
    }

    /** The defaults a registration states; {@code null} when it states none. */
    public static KeyDefaults of(String concurrencyKey, Integer maxConcurrency, String fairnessKey,
            Integer fairnessWeight) {
        if (concurrencyKey == null && maxConcurrency == null && fairnessKey == null && fairnessWeight == null) {
            return null;
        }
        return new KeyDefaults(concurrencyKey, maxConcurrency, fairnessKey, fairnessWeight);
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

    private static <T> T resolved(String type, java.util.function.Supplier<T> resolve) {
        try {
            return resolve.get();
        } catch (ValidationException e) {
            throw new ValidationException("payload", "task type '" + type + "' takes its " + e.field()
                    + " from the payload: " + e.detail());
        }
    }
}
