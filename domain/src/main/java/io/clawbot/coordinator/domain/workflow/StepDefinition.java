package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.Task;
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
 * @param when a condition over {@code input} and {@code steps} (each step's {@code status} and {@code result});
 *        when it is false as the step's turn comes, the step is skipped; {@code null}: always
 * @param approval for an approval step, who decides and what a timeout decides; {@code null} for a task step
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
        RetryPolicy.Overrides retry,
        String when,
        Approval approval) {

    /**
     * An approval step: it waits, without a bot, for a decision by a key of the {@code approvers} role (or an admin);
     * after {@code timeout_seconds}, if set, {@code defaultOutcome} is applied. Approved, it completes; rejected,
     * it fails; either way its outcome drives {@code on_success} and {@code on_failure} like any step's.
     *
     * @param approvers the role that may decide: {@code operator}, {@code submitter} or {@code admin}
     * @param defaultOutcome {@code approve} or {@code reject}: what a timeout decides
     */
    public record Approval(String approvers, String defaultOutcome) {

        public static final java.util.Set<String> OUTCOMES = java.util.Set.of("approve", "reject");

        public Approval {
            Objects.requireNonNull(approvers, "approvers");
            if (!OUTCOMES.contains(defaultOutcome)) {
                throw new IllegalArgumentException("defaultOutcome must be approve or reject");
            }
        }
    }

    /** The variables a step's condition reads. */
    public static final java.util.Set<String> CONDITION_VARIABLES = java.util.Set.of("input", "steps");

    /** A step that always runs when its turn comes. */
    public StepDefinition(String id, String type, Map<String, Object> params, List<String> dependsOn,
            List<String> onSuccess, List<String> onFailure, boolean alwaysRun, Integer priority,
            Integer timeoutSeconds, RetryPolicy.Overrides retry) {
        this(id, type, params, dependsOn, onSuccess, onFailure, alwaysRun, priority, timeoutSeconds, retry, null,
                null);
    }

    public StepDefinition {
        Objects.requireNonNull(id, "id");
        params = JsonObjects.copyOf(params);
        dependsOn = List.copyOf(dependsOn);
        onSuccess = List.copyOf(onSuccess);
        onFailure = List.copyOf(onFailure);
    }

    /** The task this step runs, with its params as they are (references unresolved). */
    public TaskSpec spec() {
        if (approval != null) {
            // No bot takes it (its type is reserved); its timeout is the time a decision may take.
            return TaskSpec.of(Task.APPROVAL_TYPE, priority, payloadTemplate(), null)
                    .withTiming(new RetryPolicy.Overrides(1, null, null, null, null, null), timeoutSeconds, null, null);
        }
        return TaskSpec.of(type, priority, params, timeoutSeconds).withTiming(retry, null, null, null);
    }

    /**
     * What the step's task holds once its references are resolved: its params; for an approval step, the params
     * as the {@code request} to decide on, with the approval's terms.
     */
    public Map<String, Object> payloadTemplate() {
        if (approval == null) {
            return params;
        }
        Map<String, Object> terms = new java.util.LinkedHashMap<>();
        terms.put("approvers", approval.approvers());
        terms.put("default_outcome", approval.defaultOutcome());
        terms.put("timeout_seconds", timeoutSeconds);
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("approval", terms);
        payload.put("request", params);
        return payload;
    }
}
