package io.clawbot.coordinator.application.workflow;

import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.workflow.StepDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Creates a workflow: a run of a definition with its input.
 *
 * @param input what the steps' params may refer to as {@code ${input.…}}
 * @param autoStart release the first steps at once (the default); otherwise they wait for an explicit start
 * @param idempotencyKey optional; makes the creation safe to repeat
 * @param creator the client creating it; {@code null} when the service does
 */
public record CreateWorkflowCommand(
        WorkflowDefinition definition,
        Map<String, Object> input,
        Map<String, Object> metadata,
        boolean autoStart,
        IdempotencyKey idempotencyKey,
        Principal.Client creator) {

    public static final int MAX_NAME_LENGTH = WorkflowDefinition.MAX_NAME_LENGTH;
    public static final int MAX_DESCRIPTION_LENGTH = WorkflowDefinition.MAX_DESCRIPTION_LENGTH;
    public static final int MAX_STEPS = WorkflowDefinition.MAX_STEPS;

    public CreateWorkflowCommand {
        Objects.requireNonNull(definition, "definition");
        input = JsonObjects.copyOf(input);
        metadata = JsonObjects.copyOf(metadata);
    }

    public CreateWorkflowCommand(WorkflowDefinition definition, Map<String, Object> input,
            Map<String, Object> metadata, boolean autoStart, IdempotencyKey idempotencyKey) {
        this(definition, input, metadata, autoStart, idempotencyKey, null);
    }

    /** This command made by {@code client}. */
    public CreateWorkflowCommand by(Principal.Client client) {
        return new CreateWorkflowCommand(definition, input, metadata, autoStart, idempotencyKey, client);
    }

    public String name() {
        return definition.name();
    }

    public String description() {
        return definition.description();
    }

    /** Seed 000's form: one step per payload, run in order, with the same type, priority and timeout. */
    public static CreateWorkflowCommand of(String name, String description, String taskType, Integer priority,
            Integer timeoutSeconds, List<Map<String, Object>> taskPayloads, Map<String, Object> metadata,
            Boolean autoStart, IdempotencyKey key) {
        if (taskPayloads == null) {
            throw new ValidationException("task_payloads", "is required");
        }
        if (taskPayloads.isEmpty()) {
            throw new ValidationException("task_payloads", "must hold at least one task payload");
        }
        if (taskPayloads.size() > MAX_STEPS) {
            throw new ValidationException("task_payloads", "must hold at most " + MAX_STEPS + " task payloads");
        }
        List<TaskSpec> specs = new ArrayList<>(taskPayloads.size());
        for (int i = 0; i < taskPayloads.size(); i++) {
            if (taskPayloads.get(i) == null) {
                throw new ValidationException("task_payloads[" + i + "]", "must be a JSON object");
            }
            specs.add(TaskSpec.of(taskType, priority, taskPayloads.get(i), timeoutSeconds));
        }
        return new CreateWorkflowCommand(WorkflowDefinition.linear(name, description, specs), Map.of(), metadata,
                autoStart == null || autoStart, key);
    }

    /** Seed 000's request fields that describe the steps themselves: they do not go with a definition. */
    public static final List<String> SEED_STEP_FIELDS = List.of("name", "description", "task_payloads", "task_type",
            "priority", "timeout_seconds");

    /**
     * A run of a definition given as a document in a request's {@code definition} field: its faults are reported
     * under {@code definition}, and any of {@link #SEED_STEP_FIELDS} given beside it is refused.
     *
     * @param seedField the request's value of a seed 000 field, {@code null} when absent
     */
    public static CreateWorkflowCommand ofDocument(Object document, Function<String, Object> seedField,
            Map<String, Object> input, Map<String, Object> metadata, Boolean autoStart, IdempotencyKey key) {
        for (String field : SEED_STEP_FIELDS) {
            if (seedField.apply(field) != null) {
                throw new ValidationException(field, "does not go with definition; set it in the definition's steps");
            }
        }
        WorkflowDefinition definition;
        try {
            definition = WorkflowDocument.parse(document);
        } catch (ValidationException e) {
            throw e.under("definition");
        }
        return new CreateWorkflowCommand(definition, input, metadata, autoStart == null || autoStart, key);
    }

    /** This command with the same retry choices on every step; {@code null} keeps the defaults. */
    public CreateWorkflowCommand withRetry(RetryPolicy.Overrides retry) {
        if (retry == null) {
            return this;
        }
        List<StepDefinition> steps = definition.steps().stream()
                .map(s -> new StepDefinition(s.id(), s.type(), s.params(), s.dependsOn(), s.onSuccess(),
                        s.onFailure(), s.alwaysRun(), s.priority(), s.timeoutSeconds(),
                        s.approval() == null ? retry : null, s.when(), s.approval()))
                .toList();
        return new CreateWorkflowCommand(new WorkflowDefinition(definition.name(), definition.description(), steps),
                input, metadata, autoStart, idempotencyKey, creator);
    }
}
