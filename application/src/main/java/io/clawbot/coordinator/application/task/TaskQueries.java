package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.access.Visibility;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.KeyId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** Reading tasks: one, a list, a history. */
public final class TaskQueries {

    private final TaskStore tasks;

    public TaskQueries(TaskStore tasks) {
        this.tasks = tasks;
    }

    /** The task; fails with a {@code NotFoundException} when there is no such task. */
    public Uni<Task> get(TaskId id) {
        return tasks.findById(id).onItem().ifNull().failWith(() -> new NotFoundException("task", id));
    }

    /** The task, if it lies within {@code scope} (see {@link Visibility}). */
    public Uni<Task> get(TaskId id, KeyId scope) {
        return get(id).invoke(task -> Visibility.check(scope, task.owner(), "task", id));
    }

    public Uni<List<Task>> list(TaskQuery query, PageRequest page) {
        return tasks.list(query, page);
    }

    /** A task's history, if the task lies within {@code scope} (see {@link Visibility}). */
    public Uni<List<TaskTransitioned>> history(TaskId id, KeyId scope) {
        return scope == null ? history(id) : get(id, scope).flatMap(task -> history(id));
    }

    /** A task's history, oldest first; fails with a {@code NotFoundException} when there is no such task. */
    public Uni<List<TaskTransitioned>> history(TaskId id) {
        return tasks.history(id).flatMap(events -> events.isEmpty()
                ? Uni.createFrom().failure(new NotFoundException("task", id))
                : Uni.createFrom().item(events));
    }
}
