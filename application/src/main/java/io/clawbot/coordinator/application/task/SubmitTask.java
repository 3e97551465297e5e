package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.application.tasktype.TaskTypes;
import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.DomainException;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.common.port.Tracing;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.tasktype.TaskType;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Submits a standalone task: pending at once (or from its delay), under its resolved retry policy. */
public final class SubmitTask {

    /** The most tasks one batch submits. */
    public static final int MAX_BATCH = 1000;

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
            return store(prepare(command, null, now, trace), command);
        }
        return types.check(command.spec().type(), command.spec().payload(), "payload", "type")
                .flatMap(type -> store(prepare(command, type, now, trace), command));
    }

    /**
     * What became of one submission of a batch: the task created, or, replayed, the one first created under its
     * key; or why it was refused ({@code refusal}, whose field is named as in a single submission).
     */
    public record Outcome(TaskId id, boolean replayed, DomainException refusal) {

        static Outcome refused(DomainException refusal) {
            return new Outcome(null, false, refusal);
        }
    }

    /**
     * Submits many tasks in one write: each is checked as {@link #submit} checks it, and those that pass are
     * stored together, in one transaction (none is stored if it fails), while those that do not are refused one
     * by one. Each distinct task type is read once.
     *
     * @return one outcome per command, in order
     */
    public Uni<List<Outcome>> submitAll(List<SubmitTaskCommand> commands) {
        if (commands.size() > MAX_BATCH) {
            throw new ValidationException("tasks", "must hold at most " + MAX_BATCH + " tasks");
        }
        Instant now = clock.instant();
        String trace = tracing.currentParent();
        Uni<Map<String, Optional<TaskType>>> found = types == null
                ? Uni.createFrom().item(Map.of())
                : types.lookUpAll(commands.stream().map(c -> c.spec().type()).toList());
        return found.flatMap(registered -> {
            Outcome[] outcomes = new Outcome[commands.size()];
            List<TaskStore.NewTask> batch = new ArrayList<>(commands.size());
            List<Integer> positions = new ArrayList<>(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                SubmitTaskCommand command = commands.get(i);
                try {
                    checkRunAt(command.spec().runAt(), now);
                    if (command.creator() != null) {
                        command.creator().checkMayCreate(command.spec().type(), "type");
                    }
                    TaskType type = types == null
                            ? null
                            : types.checked(registered, new TaskTypes.Submission(command.spec().type(),
                                    command.spec().payload(), "payload", "type"));
                    Task task = prepare(command, type, now, trace);
                    batch.add(new TaskStore.NewTask(task, TaskTransitioned.created(task, actor(command)),
                            command.idempotencyKey()));
                    positions.add(i);
                } catch (DomainException refusal) {
                    outcomes[i] = Outcome.refused(refusal);
                }
            }
            return tasks.createAll(batch).map(stored -> {
                boolean created = false;
                for (int j = 0; j < stored.size(); j++) {
                    TaskStore.Stored one = stored.get(j);
                    int at = positions.get(j);
                    outcomes[at] = switch (one.outcome()) {
                        case CREATED -> new Outcome(one.id(), false, null);
                        case REPLAYED -> new Outcome(one.id(), true, null);
                        case KEY_REUSED -> Outcome.refused(new IdempotencyKeyReusedException(
                                batch.get(j).key().key()));
                    };
                    created |= one.outcome() == TaskStore.Stored.Outcome.CREATED;
                }
                if (created) {
                    signal.workMayBeAvailable();
                }
                return List.of(outcomes);
            });
        });
    }

    /** The task a checked submission makes: its type's defaults under the client's choices. */
    private Task prepare(SubmitTaskCommand command, TaskType type, Instant now, String trace) {
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
        ConcurrencyLimit concurrency = command.concurrency();
        FairShare fairness = command.fairness();
        RateLimit rate = command.rate();
        if (type != null && type.keys() != null) {
            concurrency = concurrency != null ? concurrency : type.keys().concurrency(type.name(), spec.payload());
            fairness = fairness != null ? fairness : type.keys().fairness(type.name(), spec.payload());
            rate = rate != null ? rate : type.keys().rate(type.name(), spec.payload());
        }
        Principal.Client creator = command.creator();
        return Task.create(new TaskId(ids.next()), spec, retry, now)
                .ownedBy(creator == null ? null : creator.keyId()).tracedFrom(trace).limitedBy(concurrency)
                .sharing(fairness).ratedBy(rate);
    }

    private static Actor actor(SubmitTaskCommand command) {
        return command.creator() == null ? Actor.api() : command.creator().actor();
    }

    private Uni<Created<Task>> store(Task task, SubmitTaskCommand command) {
        return tasks.create(task, TaskTransitioned.created(task, actor(command)), command.idempotencyKey())
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
