package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.application.tasktype.TaskTypes;
import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.common.port.Tracing;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.RetryPolicy;
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
    private final TaskTypes types;
    private final Tracing tracing;

    /** A submission without a task type registry: types are not checked. */
    public SubmitTask(TaskStore tasks, IdSource ids, InstantSource clock, WorkSignal signal,
            RetryDefaults retryDefaults) {
        this(tasks, ids, clock, signal, retryDefaults, null);
    }

    /**
     * @param retryDefaults the retry policy of new tasks before the client's choices
     * @param types the registry whose types' schemas and defaults apply; {@code null}: none
     */
    public SubmitTask(TaskStore tasks, IdSource ids, InstantSource clock, WorkSignal signal,
            RetryDefaults retryDefaults, TaskTypes types) {
        this(tasks, ids, clock, signal, retryDefaults, types, Tracing.NONE);
    }

    /** @param tracing the trace a submission runs in, which its task keeps */
    public SubmitTask(TaskStore tasks, IdSource ids, InstantSource clock, WorkSignal signal,
            RetryDefaults retryDefaults, TaskTypes types, Tracing tracing) {
        this.tracing = tracing;
        this.types = types;
        this.tasks = tasks;
        this.ids = ids;
        this.clock = clock;
        this.signal = signal;
        this.retryDefaults = retryDefaults;
    }

    public Uni<Created<Task>> submit(SubmitTaskCommand command) {
        Instant now = clock.instant();
        String trace = tracing.currentParent();
        checkRunAt(command.spec().runAt(), now);
        Principal.Client creator = command.creator();
        if (creator != null) {
            creator.checkMayCreate(command.spec().type(), "type");
        }
        if (types == null) {
            return create(command, command.spec(), retryDefaults.resolve(command.spec().type(),
                    command.spec().retry()), now, trace);
        }
        return types.check(command.spec().type(), command.spec().payload(), "payload", "type").flatMap(type -> {
            TaskSpec spec = command.spec();
            RetryPolicy retry = retryDefaults.resolve(spec.type(), spec.retry());
            if (type != null) {
                spec = spec.withDefaults(
                        command.priorityGiven() || type.priority() == null ? spec.priority() : type.priority(),
                        command.timeoutGiven() || type.timeoutSeconds() == null
                                ? spec.timeoutSeconds()
                                : type.timeoutSeconds());
                retry = retryDefaults.resolve(spec.type(), type.retry()).with(spec.retry());
            }
            return create(command, spec, retry, now, trace);
        });
    }

    private Uni<Created<Task>> create(SubmitTaskCommand command, TaskSpec spec, RetryPolicy retry, Instant now,
            String trace) {
        Principal.Client creator = command.creator();
        Task task = Task.create(new TaskId(ids.next()), spec, retry, now)
                .ownedBy(creator == null ? null : creator.keyId()).tracedFrom(trace);
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
