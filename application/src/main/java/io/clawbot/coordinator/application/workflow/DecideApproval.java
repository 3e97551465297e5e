package io.clawbot.coordinator.application.workflow;

import io.clawbot.coordinator.application.task.TaskWriter;
import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.access.Role;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.ForbiddenException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.workflow.DagPlan;
import io.clawbot.coordinator.domain.workflow.StepDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides a workflow's approval step: a key of the step's {@code approvers} role (or an admin) approves or rejects
 * it, with an optional comment. The decision, who made it and when become the step's result and its history's
 * entry; the workflow goes on from it like from any step's outcome.
 */
public final class DecideApproval {

    public static final int MAX_COMMENT = 2000;

    private final WorkflowLifecycle workflows;
    private final TaskWriter writer;
    private final InstantSource clock;

    public DecideApproval(WorkflowLifecycle workflows, TaskWriter writer, InstantSource clock) {
        this.workflows = workflows;
        this.writer = writer;
        this.clock = clock;
    }

    /** The step after the decision, and the workflow's run as it then is. */
    public Uni<WorkflowWithTasks> decide(WorkflowId id, String stepId, boolean approve, String comment,
            Principal.Client caller) {
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw new ValidationException("comment", "must be at most " + MAX_COMMENT + " characters");
        }
        return workflows.getWithTasks(id, caller.readScope()).flatMap(run -> {
            WorkflowDefinition definition = DagPlan.definition(run.workflow(), run.tasks());
            StepDefinition step = definition.steps().stream().filter(s -> s.id().equals(stepId)).findFirst()
                    .orElseThrow(() -> NotFoundException.described("step", "Workflow " + id.value()
                            + " has no step '" + stepId + "'"));
            if (step.approval() == null) {
                throw new ConflictException("not-an-approval", "Step '" + stepId + "' runs a task; only an "
                        + "approval step is decided");
            }
            String approvers = step.approval().approvers();
            if (caller.role() != Role.ADMIN && !caller.role().wire().equals(approvers)) {
                throw new ForbiddenException("not-an-approver", "Step '" + stepId + "' is decided by a key of "
                        + "the " + approvers + " role (or an admin); this key is " + caller.role().wire());
            }
            int position = definition.position(stepId);
            Task task = run.tasks().stream().filter(t -> t.workflowPosition() != null
                    && t.workflowPosition() == position).findFirst().orElseThrow();
            Instant now = clock.instant();
            Map<String, Object> decision = new LinkedHashMap<>();
            decision.put("decision", approve ? "approved" : "rejected");
            decision.put("by", caller.actor().value());
            decision.put("comment", comment);
            decision.put("decided_at", now.toString());
            String reason = (approve ? "approved" : "rejected") + " by " + caller.actor().value()
                    + (comment == null || comment.isBlank() ? "" : ": " + comment);
            return writer.write(task, task.decide(approve, decision, reason, now), caller.actor(), reason, now)
                    .flatMap(ignored -> workflows.getWithTasks(id, caller.readScope()));
        });
    }
}
