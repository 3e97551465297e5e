package io.clawbot.coordinator.application.workflow;

import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Creates a sequential workflow: one task per payload, run in order.
 *
 * @param taskType capability every step needs; {@code null} lets any bot take them
 * @param autoStart release the first step at once (the default); otherwise it waits for an explicit start
 * @param idempotencyKey optional; makes the creation safe to repeat
 */
public record CreateWorkflowCommand(
        String name,
        String description,
        List<TaskSpec> steps,
        Map<String, Object> metadata,
        boolean autoStart,
        IdempotencyKey idempotencyKey) {

    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_DESCRIPTION_LENGTH = 2000;
    public static final int MAX_STEPS = 1000;

    public CreateWorkflowCommand {
        name = Names.required("name", name, MAX_NAME_LENGTH);
        description = Names.optional("description", description, MAX_DESCRIPTION_LENGTH);
        if (steps == null || steps.isEmpty()) {
            throw new ValidationException("task_payloads", "must hold at least one task payload");
        }
        if (steps.size() > MAX_STEPS) {
            throw new ValidationException("task_payloads", "must hold at most " + MAX_STEPS + " task payloads");
        }
        steps = List.copyOf(steps);
        metadata = JsonObjects.copyOf(metadata);
    }

    /** This command with the same retry choices on every step; {@code null} keeps the defaults. */
    public CreateWorkflowCommand withRetry(RetryPolicy.Overrides retry) {
        if (retry == null) {
            return this;
        }
        List<TaskSpec> retried = steps.stream()
                .map(s -> s.withTiming(retry, s.scheduleToStartSeconds(), s.runAt(), s.delay()))
                .toList();
        return new CreateWorkflowCommand(name, description, retried, metadata, autoStart, idempotencyKey);
    }

    /** Seed 000's form: the same type, priority and timeout for every payload. */
    public static CreateWorkflowCommand of(String name, String description, String taskType, Integer priority,
            Integer timeoutSeconds, List<Map<String, Object>> taskPayloads, Map<String, Object> metadata,
            Boolean autoStart, IdempotencyKey key) {
        if (taskPayloads == null) {
            throw new ValidationException("task_payloads", "is required");
        }
        List<TaskSpec> specs = new ArrayList<>(taskPayloads.size());
        for (int i = 0; i < taskPayloads.size(); i++) {
            if (taskPayloads.get(i) == null) {
                throw new ValidationException("task_payloads[" + i + "]", "must be a JSON object");
            }
            specs.add(TaskSpec.of(taskType, priority, taskPayloads.get(i), timeoutSeconds));
        }
        return new CreateWorkflowCommand(name, description, specs, metadata, autoStart == null || autoStart, key);
    }
}
