package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.DomainEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a task's history: a status change, who caused it, for which attempt and why.
 *
 * @param from {@code null} for the creation of the task
 */
public record TaskTransitioned(
        TaskId taskId,
        TaskStatus from,
        TaskStatus to,
        int attempt,
        Actor actor,
        String reason,
        Instant occurredAt) implements DomainEvent {

    public TaskTransitioned {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    public static TaskTransitioned created(Task task, Actor actor) {
        return new TaskTransitioned(task.id(), null, task.status(), task.attempt(), actor, "created",
                task.createdAt());
    }

    public static TaskTransitioned between(Task before, Task after, Actor actor, String reason) {
        return new TaskTransitioned(after.id(), before.status(), after.status(), after.attempt(), actor, reason,
                after.updatedAt());
    }
}
