package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.task.RetryPolicy;
import java.util.Map;

/**
 * The retry policy a new task starts from: the global default, with the choices configured for its type laid
 * over it. The client's own choices go over that.
 */
public final class RetryDefaults {

    private final RetryPolicy global;
    private final Map<String, RetryPolicy> byType;

    /**
     * @param byType per task type, the fields that differ from {@code global}
     * @throws io.clawbot.coordinator.domain.common.ValidationException when a combination is invalid
     */
    public RetryDefaults(RetryPolicy global, Map<String, RetryPolicy.Overrides> byType) {
        this.global = global;
        this.byType = byType.entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey,
                        e -> global.with(e.getValue())));
    }

    /** The built-in default for every type. */
    public static RetryDefaults builtIn() {
        return new RetryDefaults(RetryPolicy.DEFAULT, Map.of());
    }

    /** The policy of a task of {@code type} (any when {@code null}) with the client's {@code overrides}. */
    public RetryPolicy resolve(String type, RetryPolicy.Overrides overrides) {
        RetryPolicy base = type == null ? global : byType.getOrDefault(type, global);
        return base.with(overrides);
    }
}
