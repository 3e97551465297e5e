package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a workflow definition: a task to run and how it connects to the others.
 *
 * @param type the task type (the capability a bot needs); {@code null} lets any bot take it
 * @param params the task's payload; strings may hold references ({@code ${input.x}},
 *        {@code ${steps.validate.result.y}}) that are resolved when the step becomes pending
 * @param dependsOn steps that must all complete before this one runs
 * @param onSuccess steps this one starts when it completes
 * @param onFailure steps this one starts when it fails or times out for good
 * @param alwaysRun runs once every step it waits for has ended, whatever their outcome
 * @param priority {@code null} for the default
 * @param timeoutSeconds {@code null} for the default
 * @param retry {@code null} for the task type's defaults
 */
public record StepDefinition(
        String id,
        String type,
        Map<String, Object> params,
        List<String> dependsOn,
        List<String> onSuccess,
        List<String> onFailure,
        boolean alwaysRun,
        Integer priority,
        Integer timeoutSeconds,
        RetryPolicy.Overrides retry) {

    public StepDefinition {
        Objects.requireNonNull(id, "id");
        params = JsonObjects.copyOf(params);
        dependsOn = List.copyOf(dependsOn);
        onSuccess = List.copyOf(onSuccess);
        onFailure = List.copyOf(onFailure);
    }

    /** The task this step runs, with its params as they are (references unresolved). */
    public TaskSpec spec() {
        return TaskSpec.of(type, priority, params, timeoutSeconds).withTiming(retry, null, null, null);
    }
}
