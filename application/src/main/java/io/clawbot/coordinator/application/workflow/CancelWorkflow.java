package io.clawbot.coordinator.application.workflow;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.application.task.BotNotices;
import io.clawbot.coordinator.application.task.TaskWriter;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.Refusal;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.DagPlan;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowAdvance;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * Cancels a workflow: every open step is cancelled in one write with the workflow and the bots that held steps, and
 * those bots are told. The write is conditional on the workflow's version, which every change of a step moves, so a
 * step that changed meanwhile makes it decide again.
 */
public final class CancelWorkflow {

    private final WorkflowStore workflows;
    private final TaskStore tasks;
    private final TaskWriter writer;
    private final UnitOfWork unitOfWork;
    private final BotNotices notices;
    private final WorkSignal signal;
    private final InstantSource clock;

    public CancelWorkflow(WorkflowStore workflows, TaskStore tasks, TaskWriter writer, UnitOfWork unitOfWork,
            BotNotices notices, WorkSignal signal, InstantSource clock) {
        this.workflows = workflows;
        this.tasks = tasks;
        this.writer = writer;
        this.unitOfWork = unitOfWork;
        this.notices = notices;
        this.signal = signal;
        this.clock = clock;
    }

    /** Cancelling a finished workflow is rejected; cancelling it again is a repeat. */
    public Uni<Workflow> cancel(WorkflowId workflowId, String reason) {
        String why = reason == null || reason.isBlank() ? "workflow cancelled by request" : reason;
        return ConcurrentRetry.run(() -> workflows.findById(workflowId)
                .onItem().ifNull().failWith(() -> new NotFoundException("workflow", workflowId))
                // The steps are read after the workflow, so that a step change between the two reads moves the
                // version this write is conditional on.
                .flatMap(workflow -> tasks.findByWorkflow(workflowId).flatMap(steps -> {
                    if (workflow.status() == WorkflowStatus.CANCELLED) {
                        return Uni.createFrom().item(workflow);
                    }
                    if (workflow.status().isTerminal()) {
                        return Uni.createFrom().failure(new InvalidTransitionException(Refusal.ALREADY_ENDED,
                                "Workflow " + workflowId + " is already " + workflow.status().wire()
                                        + "; it cannot be cancelled"));
                    }
                    Instant now = clock.instant();
                    WorkflowAdvance cancelled = DagPlan.cancel(workflow, steps, why, now);
                    List<Task> held = cancelled.heldBefore();
                    TaskChanges.Builder changes = TaskChanges.builder().advance(cancelled);
                    return writer.releaseBots(held, now, changes)
                            .flatMap(ignored -> unitOfWork.apply(changes.build()))
                            .invoke(signal::workMayBeAvailable)
                            .replaceWith(cancelled.after())
                            .call(() -> notices.dropped(held, why));
                })));
    }
}
