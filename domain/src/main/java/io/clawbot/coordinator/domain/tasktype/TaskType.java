package io.clawbot.coordinator.domain.tasktype;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.tasktype.port.SchemaCheck;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A registered task type (seed 004): what its payload must look like (a JSON Schema), and the defaults of its
 * tasks. A task or workflow step of a registered type is checked against the schema when it is submitted, and
 * takes the defaults for what its request leaves out.
 *
 * @param payloadSchema a JSON Schema (2020-12) the payload must satisfy; {@code null} accepts any object
 * @param resultSchema a JSON Schema the bots' results are described by; kept for clients, not enforced
 * @param priority the priority of its tasks when a request gives none; {@code null}: the service's default
 * @param timeoutSeconds the timeout of its tasks when a request gives none; {@code null}: the service's default
 * @param retry retry choices over the service's defaults for the type, under the request's own
 * @param keys the concurrency and fairness keys of its tasks when a request states none; {@code null}: none
 */
public record TaskType(String name, String description, Map<String, Object> payloadSchema,
        Map<String, Object> resultSchema, Integer priority, Integer timeoutSeconds, RetryPolicy.Overrides retry,
        KeyDefaults keys, Instant createdAt, Instant updatedAt, long version) {

    public static final int MAX_DESCRIPTION_LENGTH = 2000;

    public TaskType {
        Names.token("name", name);
        description = Names.optional("description", description, MAX_DESCRIPTION_LENGTH);
        payloadSchema = JsonObjects.copyOfNullable(payloadSchema);
        resultSchema = JsonObjects.copyOfNullable(resultSchema);
        if (priority != null && (priority < TaskSpec.MIN_PRIORITY || priority > TaskSpec.MAX_PRIORITY)) {
            throw new ValidationException("priority", "must be between " + TaskSpec.MIN_PRIORITY + " and "
                    + TaskSpec.MAX_PRIORITY);
        }
        if (timeoutSeconds != null && (timeoutSeconds < TaskSpec.MIN_TIMEOUT_SECONDS
                || timeoutSeconds > TaskSpec.MAX_TIMEOUT_SECONDS)) {
            throw new ValidationException("timeout_seconds", "must be between " + TaskSpec.MIN_TIMEOUT_SECONDS
                    + " and " + TaskSpec.MAX_TIMEOUT_SECONDS);
        }
        if (retry != null) {
            RetryPolicy.DEFAULT.with(retry);
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** The same type with a new definition, as of {@code now}. */
    public TaskType replacedBy(TaskType next, Instant now) {
        return new TaskType(name, next.description, next.payloadSchema, next.resultSchema, next.priority,
                next.timeoutSeconds, next.retry, next.keys, createdAt, now, version);
    }

    /**
     * Checks a payload of this type against its schema; {@code field} is where the payload sits in the request.
     *
     * @throws ValidationException listing every violation with its JSON Pointer
     */
    public void check(String field, Map<String, Object> payload, SchemaCheck schemas) {
        if (payloadSchema == null) {
            return;
        }
        List<ValidationException.Violation> violations = schemas.violations(payloadSchema,
                payload == null ? Map.of() : payload);
        if (!violations.isEmpty()) {
            ValidationException.Violation first = violations.getFirst();
            throw new ValidationException(field, "does not match the schema of task type '" + name + "': "
                    + violations.size() + " violation(s), the first at '" + first.pointer() + "': "
                    + first.message(), violations);
        }
    }
}
