package io.clawbot.coordinator.domain.insight.port;

import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened to the work, told once it is committed: the stores call it after each write, so every path that
 * moves a task (the API, the bots' fast path, the sweeps, a workflow's follow-up) is counted exactly once.
 * Implementations count and time; they are cheap, never block and never throw.
 */
public interface WorkMetrics {

    /** Counts nothing. */
    WorkMetrics NONE = new WorkMetrics() {
    };

    /**
     * A task as written and the transition that brought it there.
     *
     * @param before the task before, {@code null} when it was created or the writer does not have it: the task then
     *        holds what the metrics read ({@code assignedAt}, {@code startedAt})
     */
    default void moved(Task before, Task task, TaskTransitioned event) {
    }

    /** A task a bot was just given, and since when it could have run (its creation, its delay, its turn). */
    default void dispatched(Task task, Instant readySince) {
    }

    /**
     * A claim took tasks of a rate limit key: its bucket lets the key's next task go at {@code nextAt} (at once when
     * that has passed). Whoever dispatches may look again then.
     */
    default void rateLimited(String key, Instant nextAt) {
    }

    /** A workflow run was created. */
    default void workflowStarted(Workflow workflow) {
    }

    /** A workflow run ended: it is written in its terminal status. */
    default void workflowEnded(Workflow workflow) {
    }

    /** Tells {@code metrics} of everything a committed lifecycle step wrote. */
    static void written(WorkMetrics metrics, TaskChanges written) {
        if (metrics == NONE) {
            return;
        }
        // The builder adds a task's new state and its history entry together: the two lists go in step.
        List<TaskChanges.Versioned<Task>> tasks = written.tasks();
        List<TaskTransitioned> events = written.events();
        for (int i = 0; i < Math.min(tasks.size(), events.size()); i++) {
            TaskChanges.Versioned<Task> task = tasks.get(i);
            if (task.next().id().equals(events.get(i).taskId())) {
                metrics.moved(task.previous(), task.next(), events.get(i));
            }
        }
        written.workflows().forEach(w -> {
            boolean wasOpen = w.previous() == null || !w.previous().status().isTerminal();
            if (w.next().status().isTerminal() && wasOpen) {
                metrics.workflowEnded(w.next());
            }
        });
    }

    /** Tells {@code metrics} of tasks created together. */
    static void created(WorkMetrics metrics, List<Task> tasks, List<TaskTransitioned> creations) {
        Map<Object, Task> byId = new HashMap<>();
        tasks.forEach(t -> byId.put(t.id(), t));
        for (TaskTransitioned creation : creations) {
            Task task = byId.get(creation.taskId());
            if (task != null) {
                metrics.moved(null, task, creation);
            }
        }
    }
}
