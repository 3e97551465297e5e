package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;

/** Puts a failed or timed-out task (from the dead-letter list) back in the queue with a fresh set of attempts. */
public final class RedriveTask {

    private final TaskQueries queries;
    private final TaskWriter writer;
    private final InstantSource clock;

    public RedriveTask(TaskQueries queries, TaskWriter writer, InstantSource clock) {
        this.queries = queries;
        this.writer = writer;
        this.clock = clock;
    }

    public Uni<Task> redrive(TaskId taskId) {
        return redrive(taskId, Actor.api());
    }

    /** Redrives the task, recorded as done by {@code actor}. */
    public Uni<Task> redrive(TaskId taskId, Actor actor) {
        return ConcurrentRetry.run(() -> queries.get(taskId).flatMap(task -> {
            Instant now = clock.instant();
            return writer.write(task, task.redrive(now), actor, "redriven from the dead-letter list", now);
        })).map(Reported::task);
    }
}
