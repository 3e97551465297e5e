package io.clawbot.coordinator.botclient;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code task_assigned} frame: the task this bot is to run and the attempt its reports must name.
 *
 * @param taskId
 *            the task's id
 * @param attempt
 *            the assignment's attempt number; every report about this run carries it, so that the coordinator
 *            can tell it from a stale one
 * @param type
 *            the task's type (a capability of this bot)
 * @param payload
 *            the task's input ({@code task_payload} on the wire); never {@code null}, read-only
 * @param priority
 *            the task's priority, -1000 to 1000
 * @param timeoutSeconds
 *            how long the task may run
 * @param deadline
 *            when the assignment lapses unless accepted (ISO-8601 as sent), or {@code null}
 * @param workflowId
 *            the workflow the task belongs to, or {@code null} for a standalone task
 * @param traceParent
 *            the W3C {@code traceparent} of the task's trace ({@code traceparent} on the wire), which the run's
 *            span continues; {@code null} when the coordinator traces nothing
 */
public record AssignedTask(String taskId, int attempt, String type, Map<String, Object> payload, int priority,
        int timeoutSeconds, String deadline, String workflowId, String traceParent) {

    /** An assignment outside any trace. */
    public AssignedTask(String taskId, int attempt, String type, Map<String, Object> payload, int priority,
            int timeoutSeconds, String deadline, String workflowId) {
        this(taskId, attempt, type, payload, priority, timeoutSeconds, deadline, workflowId, null);
    }

    public AssignedTask {
        Objects.requireNonNull(taskId, "taskId");
        // JSON objects may hold null values, which Map.copyOf rejects; hence an unmodifiable copy instead.
        payload = payload == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(payload));
    }
}
