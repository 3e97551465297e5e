package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.smallrye.mutiny.Uni;
import java.time.InstantSource;

/** Submits a standalone task: pending at once (or from its delay), under its resolved retry policy. */
public final class SubmitTask {

    private final TaskStore tasks;
    private final IdSource ids;
    private final InstantSource clock;
    private final WorkSignal signal;
    private final RetryDefaults retryDefaults;

    /** @param retryDefaults the retry policy of new tasks before the client's choices */
    public SubmitTask(TaskStore tasks, IdSource ids, InstantSource clock, WorkSignal signal,
            RetryDefaults retryDefaults) {
        this.tasks = tasks;
        this.ids = ids;
        this.clock = clock;
        this.signal = signal;
        this.retryDefaults = retryDefaults;
    }

    public Uni<Created<Task>> submit(SubmitTaskCommand command) {
        TaskSpec spec = command.spec();
        Task task = Task.create(new TaskId(ids.next()), spec, retryDefaults.resolve(spec.type(), spec.retry()),
                clock.instant());
        return tasks.create(task, TaskTransitioned.created(task, Actor.api()), command.idempotencyKey())
                .invoke(created -> signal.workMayBeAvailable());
    }
}
