package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Rejection;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.smallrye.mutiny.Uni;

/** Deletes a standalone task that no bot holds, with its history. */
public final class DeleteTask {

    private final TaskQueries queries;
    private final TaskStore tasks;

    public DeleteTask(TaskQueries queries, TaskStore tasks) {
        this.queries = queries;
        this.tasks = tasks;
    }

    public Uni<Void> delete(TaskId taskId) {
        return queries.get(taskId).flatMap(task -> {
            Rejection blocker = task.deletionBlocker();
            if (blocker != null) {
                return Uni.createFrom().failure(blocker.toException());
            }
            return tasks.delete(taskId, task.version()).flatMap(deleted -> deleted
                    ? Uni.createFrom().voidItem()
                    : Uni.createFrom().failure(ConflictException.concurrentModification("Task " + taskId)));
        });
    }
}
