package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
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
        Instant now = clock.instant();
        checkRunAt(spec.runAt(), now);
        Principal.Client creator = command.creator();
        if (creator != null) {
            creator.checkMayCreate(spec.type(), "type");
        }
        Task task = Task.create(new TaskId(ids.next()), spec, retryDefaults.resolve(spec.type(), spec.retry()),
                now).ownedBy(creator == null ? null : creator.keyId());
        Actor actor = creator == null ? Actor.api() : creator.actor();
        return tasks.create(task, TaskTransitioned.created(task, actor), command.idempotencyKey())
                .invoke(created -> signal.workMayBeAvailable());
    }

    /**
     * A start time lies at most as far ahead as a delay may ({@link TaskSpec#MAX_WAIT_SECONDS}), and not before
     * 1970: a date beyond what the database can hold would be stored as infinity.
     */
    private static void checkRunAt(Instant runAt, Instant now) {
        if (runAt == null) {
            return;
        }
        if (runAt.isAfter(now.plusSeconds(TaskSpec.MAX_WAIT_SECONDS)) || runAt.isBefore(Instant.EPOCH)) {
            throw new ValidationException("run_at", "must lie between 1970 and " + TaskSpec.MAX_WAIT_SECONDS
                    + " seconds (7 days) from now");
        }
    }
}
