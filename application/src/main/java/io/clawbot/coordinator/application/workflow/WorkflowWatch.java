package io.clawbot.coordinator.application.workflow;

import io.clawbot.coordinator.application.watch.Watches;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Clients waiting for a workflow to end ({@code ?wait=}) or following it and its steps (its stream). Each tick reads
 * the watched workflows in one query and their steps in another.
 */
public final class WorkflowWatch {

    private final Watches<WorkflowId, WorkflowWithTasks> watches;
    private final WorkflowLifecycle workflows;

    public WorkflowWatch(WorkflowStore store, TaskStore tasks, WorkflowLifecycle workflows, int limit) {
        this.workflows = workflows;
        this.watches = new Watches<>(ids -> Uni.combine().all().unis(store.findByIds(ids), tasks.findByWorkflows(ids))
                .with((found, steps) -> {
                    Map<WorkflowId, List<Task>> byWorkflow = new HashMap<>();
                    steps.forEach(t -> byWorkflow.computeIfAbsent(t.workflowId(), k -> new ArrayList<>()).add(t));
                    Map<WorkflowId, WorkflowWithTasks> states = new HashMap<>();
                    for (Workflow w : found) {
                        states.put(w.id(), new WorkflowWithTasks(w, byWorkflow.getOrDefault(w.id(), List.of())));
                    }
                    return states;
                }), WorkflowWatch::stamp, w -> w.workflow().status().isTerminal(),
                id -> new NotFoundException("workflow", id), limit);
    }

    private static Object stamp(WorkflowWithTasks w) {
        List<Object> parts = new ArrayList<>();
        parts.add(w.workflow().version());
        for (Task t : w.tasks()) {
            parts.add(Arrays.asList(t.version(), t.progress() == null ? null : t.progress().reportedAt()));
        }
        return parts;
    }

    /** The workflow once it has ended, or as it is after {@code max}. */
    public Uni<WorkflowWithTasks> untilEnded(WorkflowWithTasks current, Duration max) {
        if (current.workflow().status().isTerminal() || max.isZero()) {
            return Uni.createFrom().item(current);
        }
        return watches.untilEnded(current.workflow().id(), max,
                () -> workflows.getWithTasks(current.workflow().id()));
    }

    /** The workflow and its steps as they change, from the next tick; completes after it ends. */
    public Multi<WorkflowWithTasks> changes(WorkflowId id) {
        return watches.follow(id);
    }

    public Uni<Void> tick() {
        return watches.tick();
    }

    public int watching() {
        return watches.watching();
    }
}
