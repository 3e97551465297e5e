package io.clawbot.coordinator.adapters.rest.workflow;

import io.clawbot.coordinator.application.workflow.DecideApproval;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.TaskResponse;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos;
import io.clawbot.coordinator.application.workflow.WorkflowWithTasks;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.workflow.DagPlan;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the workflow API (seed 000's, snake_case). */
public final class WorkflowDtos {

    private WorkflowDtos() {
    }

    @Schema(name = "CreateWorkflowRequest")
    public record CreateWorkflowRequest(
            @Schema(description = "Required with task_payloads; not with a definition, which names the workflow itself", example = "CI/CD Pipeline", maxLength = WorkflowDefinition.MAX_NAME_LENGTH) String name,
            @Schema(description = "With task_payloads; not with a definition", maxLength = WorkflowDefinition.MAX_DESCRIPTION_LENGTH) String description,
            @Schema(description = "One task per payload, run in order; either this (at least one) or definition (with a definition, absent or empty)", maxItems = WorkflowDefinition.MAX_STEPS) List<Map<String, Object>> taskPayloads,
            Map<String, Object> metadata,
            @Schema(description = "Capability every step needs; absent lets any bot take them; not with a definition", pattern = Names.TOKEN_PATTERN) String taskType,
            @Schema(description = "Priority of every step; absent: 0; not with a definition", minimum = ""
                    + TaskSpec.MIN_PRIORITY, maximum = "" + TaskSpec.MAX_PRIORITY) Integer priority,
            @Schema(description = "Timeout of every step, in seconds; absent: 300; not with a definition", minimum = ""
                    + TaskSpec.MIN_TIMEOUT_SECONDS, maximum = "" + TaskSpec.MAX_TIMEOUT_SECONDS) Integer timeoutSeconds,
            @Schema(description = "Release the first step at once; false waits for POST .../start", defaultValue = "true") Boolean autoStart,
            @Schema(description = "Retry choices of every step; fields left out come from the defaults for the task type") TaskDtos.RetryRequest retry,
            @Schema(description = "A workflow graph instead of task_payloads: {name, steps: [{id, type, params, depends_on, on_success, on_failure, always_run, priority, timeout_seconds, retry}]}; seed 001's {workflow: {name, jobs}} form is read too") Map<String, Object> definition,
            @Schema(description = "What the steps' params may refer to as ${input.…}") Map<String, Object> input) {
    }

    @Schema(name = "ApprovalDecisionRequest")
    public record DecisionRequest(
            @Schema(description = "Why; kept with the decision in the step's result and history", maxLength = DecideApproval.MAX_COMMENT) String comment) {
    }

    @Schema(name = "CancelWorkflowRequest")
    public record CancelWorkflowRequest(
            @Schema(description = "Why; recorded in every cancelled step's history") String reason) {
    }

    // The formatter mishandles records with annotated components.
    // @formatter:off
    @Schema(name = "Workflow", requiredProperties = { "id", "name", "status", "task_ids", "metadata", "created_at", "updated_at" })
    public record WorkflowResponse(
            UUID id,
            String name,
            String description,
            String status,
            List<UUID> taskIds,
            Map<String, Object> metadata,
            Instant startedAt,
            Instant createdAt,
            Instant updatedAt) {
        // @formatter:on

        public static WorkflowResponse of(Workflow w) {
            return new WorkflowResponse(w.id().value(), w.name(), w.description(), w.status().wire(),
                    w.taskIds().stream().map(TaskId::value).toList(), w.metadata(), w.startedAt(), w.createdAt(),
                    w.updatedAt());
        }
    }

    @Schema(name = "WorkflowWithTasks", requiredProperties = { "workflow", "tasks", "definition", "input" })
    public record WorkflowTasksResponse(
            WorkflowResponse workflow,
            @Schema(description = "The steps' tasks in the definition's order") List<TaskResponse> tasks,
            @Schema(description = "The graph the workflow runs (its steps in the same order as tasks)") Map<String, Object> definition,
            @Schema(description = "The workflow's input") Map<String, Object> input) {

        public static WorkflowTasksResponse of(WorkflowWithTasks w) {
            return new WorkflowTasksResponse(WorkflowResponse.of(w.workflow()),
                    w.tasks().stream().map(TaskResponse::of).toList(),
                    WorkflowDocument.of(DagPlan.definition(w.workflow(), w.tasks())), w.workflow().input());
        }
    }
}
