package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.Map;

/**
 * What a client asks to run, validated on construction.
 *
 * @param type the capability a bot needs to take the task; {@code null} lets any bot take it
 * @param priority higher runs first, {@value #MIN_PRIORITY} to {@value #MAX_PRIORITY}
 * @param timeoutSeconds how long a bot may work on it, {@value #MIN_TIMEOUT_SECONDS} to
 *        {@value #MAX_TIMEOUT_SECONDS}
 */
public record TaskSpec(String type, int priority, Map<String, Object> payload, int timeoutSeconds) {

    public static final int MIN_PRIORITY = -1000;
    public static final int MAX_PRIORITY = 1000;
    public static final int DEFAULT_PRIORITY = 0;
    public static final int MIN_TIMEOUT_SECONDS = 1;
    public static final int MAX_TIMEOUT_SECONDS = 3600;
    public static final int DEFAULT_TIMEOUT_SECONDS = 300;

    public TaskSpec {
        if (type != null) {
            Names.token("type", type);
        }
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new ValidationException("priority", "must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY);
        }
        if (timeoutSeconds < MIN_TIMEOUT_SECONDS || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new ValidationException("timeout_seconds",
                    "must be between " + MIN_TIMEOUT_SECONDS + " and " + MAX_TIMEOUT_SECONDS);
        }
        payload = JsonObjects.copyOf(payload);
    }

    /** A spec with defaults for whatever the client left out. */
    public static TaskSpec of(String type, Integer priority, Map<String, Object> payload, Integer timeoutSeconds) {
        return new TaskSpec(type, priority == null ? DEFAULT_PRIORITY : priority, payload,
                timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds);
    }
}
