package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import java.util.List;
import java.util.Objects;

/**
 * What {@link DagPlan} decided for a workflow: its steps' transitions, in the order decided, and the workflow's
 * new state, to be written together with the change that caused them.
 *
 * @param steps the steps that move, each from its state as read
 * @param before the workflow as read
 * @param after its new state; written even when equal to {@code before}, so that its version moves
 */
public record WorkflowAdvance(List<StepMove> steps, Workflow before, Workflow after) {

    /** One step's transition, who caused it and why. */
    public record StepMove(Task before, Task after, Actor actor, String reason) {

        public StepMove {
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }
    }

    public WorkflowAdvance {
        steps = List.copyOf(steps);
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    /** The steps a bot held before they moved: their bots are to be told. */
    public List<Task> heldBefore() {
        return steps.stream().map(StepMove::before).filter(t -> t.status().isHeldByBot()).toList();
    }
}
