package io.clawbot.coordinator.application.workflow;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.workflow.DagPlan;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Moves on the workflows that no step's change would move any more ({@link WorkflowStore#stalled}): their waiting
 * steps whose turn has come become pending, and each takes the status its steps give. Each is decided holding it, as
 * a step's change is. Runs whose last steps raced in releases before the workflow lock could be left so; this
 * brings them up to date, once at start-up.
 */
public final class RepairStalledWorkflows {

    private static final int PAGE = 200;

    private final WorkflowStore workflows;
    private final UnitOfWork unitOfWork;
    private final WorkSignal signal;
    private final InstantSource clock;

    private final Conditions conditions;

    public RepairStalledWorkflows(WorkflowStore workflows, UnitOfWork unitOfWork, WorkSignal signal,
            InstantSource clock) {
        this(workflows, unitOfWork, signal, clock, Conditions.NONE);
    }

    /** @param conditions the language of workflow steps' {@code when} conditions */
    public RepairStalledWorkflows(WorkflowStore workflows, UnitOfWork unitOfWork, WorkSignal signal,
            InstantSource clock, Conditions conditions) {
        this.conditions = conditions;
        this.workflows = workflows;
        this.unitOfWork = unitOfWork;
        this.signal = signal;
        this.clock = clock;
    }

    /** @return how many workflows changed */
    public Uni<Integer> repair() {
        return repairAfter(null, 0);
    }

    private Uni<Integer> repairAfter(WorkflowId after, int repairedSoFar) {
        return workflows.stalled(after, PAGE).flatMap(page -> {
            if (page.isEmpty()) {
                return Uni.createFrom().item(repairedSoFar);
            }
            return Multi.createFrom().iterable(page)
                    .onItem().transformToUniAndConcatenate(this::repair)
                    .collect().asList()
                    .flatMap(done -> {
                        int repaired = repairedSoFar + (int) done.stream().filter(Boolean::booleanValue).count();
                        return page.size() < PAGE
                                ? Uni.createFrom().item(repaired)
                                : repairAfter(page.getLast(), repaired);
                    });
        });
    }

    private Uni<Boolean> repair(WorkflowId id) {
        Instant now = clock.instant();
        return ConcurrentRetry.run(() -> unitOfWork.apply(TaskChanges.builder()
                .follow(id, (workflow, steps) -> DagPlan.reconcile(workflow, steps, now, conditions)).build()))
                .map(written -> {
                    if (written.madePending()) {
                        signal.workMayBeAvailable();
                    }
                    return !written.tasks().isEmpty()
                            || written.workflows().stream().anyMatch(v -> v.next().status().isTerminal());
                });
    }
}
