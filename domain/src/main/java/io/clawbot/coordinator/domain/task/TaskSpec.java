package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a client asks to run, validated on construction.
 *
 * @param type the capability a bot needs to take the task; {@code null} lets any bot take it
 * @param priority higher runs first, {@value #MIN_PRIORITY} to {@value #MAX_PRIORITY}
 * @param timeoutSeconds how long a bot may work on it, from its acceptance, {@value #MIN_TIMEOUT_SECONDS} to
 *        {@value #MAX_TIMEOUT_SECONDS}
 * @param retry the client's retry choices, laid over the defaults for the type; {@code null} for none
 * @param scheduleToStartSeconds how long the task may wait for a bot each time it becomes ready before it times
 *        out; {@code null} for no limit
 * @param runAt not dispatched before this instant; {@code null} for at once
 * @param delay not dispatched before this long after creation; {@code null} for at once; not with {@code runAt}
 */
public record TaskSpec(
        String type,
        int priority,
        Map<String, Object> payload,
        int timeoutSeconds,
        RetryPolicy.Overrides retry,
        Integer scheduleToStartSeconds,
        Instant runAt,
        Duration delay) {

    public static final int MIN_PRIORITY = -1000;
    public static final int MAX_PRIORITY = 1000;
    public static final int DEFAULT_PRIORITY = 0;
    public static final int MIN_TIMEOUT_SECONDS = 1;
    public static final int MAX_TIMEOUT_SECONDS = 3600;
    public static final int DEFAULT_TIMEOUT_SECONDS = 300;
    /** The longest a task may wait for a bot, and the furthest ahead it may be delayed: 7 days. */
    public static final int MAX_WAIT_SECONDS = 7 * 24 * 3600;

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
        if (scheduleToStartSeconds != null
                && (scheduleToStartSeconds < 1 || scheduleToStartSeconds > MAX_WAIT_SECONDS)) {
            throw new ValidationException("schedule_to_start_seconds", "must be between 1 and " + MAX_WAIT_SECONDS);
        }
        if (runAt != null && delay != null) {
            throw new ValidationException("delay_seconds", "must not be given together with run_at");
        }
        if (delay != null && (delay.isNegative() || delay.compareTo(Duration.ofSeconds(MAX_WAIT_SECONDS)) > 0)) {
            throw new ValidationException("delay_seconds", "must be between 0 and " + MAX_WAIT_SECONDS);
        }
        payload = JsonObjects.copyOf(payload);
    }

    /** A spec that runs at once, with the default retry policy of its type and no schedule-to-start limit. */
    public TaskSpec(String type, int priority, Map<String, Object> payload, int timeoutSeconds) {
        this(type, priority, payload, timeoutSeconds, null, null, null, null);
    }

    /** A spec with defaults for whatever the client left out. */
    public static TaskSpec of(String type, Integer priority, Map<String, Object> payload, Integer timeoutSeconds) {
        return new TaskSpec(type, priority == null ? DEFAULT_PRIORITY : priority, payload,
                timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds);
    }

    /** This spec with the timing and retry choices of a submission. */
    /** The same spec with another priority and timeout (a task type's defaults for what the client left out). */
    public TaskSpec withDefaults(int nextPriority, int nextTimeoutSeconds) {
        return new TaskSpec(type, nextPriority, payload, nextTimeoutSeconds, retry, scheduleToStartSeconds, runAt,
                delay);
    }

    public TaskSpec withTiming(RetryPolicy.Overrides nextRetry, Integer nextScheduleToStart, Instant nextRunAt,
            Duration nextDelay) {
        return new TaskSpec(type, priority, payload, timeoutSeconds, nextRetry, nextScheduleToStart, nextRunAt,
                nextDelay);
    }
}
