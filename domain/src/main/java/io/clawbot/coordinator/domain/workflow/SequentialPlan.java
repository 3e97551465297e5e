package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskChanges;
import io.clawbot.coordinator.domain.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rules of a sequential workflow: steps run in order; when one completes the next becomes pending; when
 * one fails, times out or is cancelled the steps after it are cancelled; the workflow's status follows its steps.
 */
public final class SequentialPlan {

    private SequentialPlan() {
    }

    /**
     * Adds to {@code changes} what follows in the workflow from {@code changed}, the new state of one of its
     * steps, and the workflow's derived status.
     *
     * @param steps the workflow's steps as read before the change
     */
    public static void advance(Workflow workflow, List<Task> steps, Task changed, Instant now,
            TaskChanges.Builder changes) {
        List<Task> current = new ArrayList<>(steps.size());
        for (Task step : steps) {
            current.add(step.id().equals(changed.id()) ? changed : step);
        }
        current.sort(Comparator.comparing(Task::workflowPosition));
        int position = changed.workflowPosition();
        if (changed.status() == TaskStatus.COMPLETED && workflow.isStarted()) {
            if (position + 1 < current.size()) {
                Task next = current.get(position + 1);
                if (next.makeReady(now) instanceof Transition.Changed<Task> c) {
                    changes.task(next, c.next(), Actor.system(), "previous step completed");
                    current.set(position + 1, c.next());
                }
            }
        } else if (changed.status() == TaskStatus.FAILED || changed.status() == TaskStatus.TIMED_OUT
                || changed.status() == TaskStatus.CANCELLED) {
            String reason = "step " + position + " " + changed.status().wire();
            for (int i = position + 1; i < current.size(); i++) {
                Task later = current.get(i);
                if (later.cancel(reason, now) instanceof Transition.Changed<Task> c) {
                    changes.task(later, c.next(), Actor.system(), reason);
                    current.set(i, c.next());
                }
            }
        }
        changes.workflow(workflow, workflow.withStatus(derive(current), now));
    }

    /** Releases the first step of a workflow that is being started. */
    public static void start(Workflow before, Workflow started, List<Task> steps, Instant now,
            TaskChanges.Builder changes) {
        steps.stream().min(Comparator.comparing(Task::workflowPosition)).ifPresent(first -> {
            if (first.makeReady(now) instanceof Transition.Changed<Task> c) {
                changes.task(first, c.next(), Actor.system(), "workflow started");
            }
        });
        changes.workflow(before, started);
    }

    private static WorkflowStatus derive(List<Task> steps) {
        return WorkflowStatus.derive(steps.stream().map(Task::status).toList());
    }
}
