package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskChanges;
import io.clawbot.coordinator.domain.task.TaskChanges.Versioned;
import io.clawbot.coordinator.domain.task.TaskId;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * Tasks in memory with the port's contract: idempotent creation, lifecycle steps written all together or not
 * at all, each row conditional on the version it was read at and raised by one when written, claims, and
 * leases. A lease is computed with the database's clock: a task gets the acknowledgement lease when it is
 * assigned and the running lease when it starts, and loses its lease when no bot holds it any more.
 */
public final class FakeTaskStore implements TaskStore {

    static final String IDEMPOTENCY_SCOPE = "tasks";

    private static final Comparator<Task> BY_CREATION = Comparator.comparing(Task::createdAt)
            .thenComparing(t -> t.id().value());
    private static final Comparator<Task> CLAIM_ORDER = Comparator.comparing(Task::priority).reversed()
            .thenComparing(BY_CREATION);

    private final InMemoryDatabase db;
    private final Duration ackTimeout;
    private final Duration lease;
    private int applied;
    private int rejected;
    private int claims;

    /**
     * @param ackTimeout how long an assignment lasts unless accepted
     * @param lease how long a running task lasts without progress or heartbeat
     */
    public FakeTaskStore(InMemoryDatabase db, Duration ackTimeout, Duration lease) {
        this.db = db;
        this.ackTimeout = ackTimeout;
        this.lease = lease;
    }

    /** With the acknowledgement and running leases of {@code terms}. */
    public FakeTaskStore(InMemoryDatabase db, ChannelTerms terms) {
        this(db, terms.ackTimeout(), terms.lease());
    }

    @Override
    public Uni<Created<Task>> create(Task task, TaskTransitioned creation, IdempotencyKey key) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                UUID existing = db.claim(IDEMPOTENCY_SCOPE, key, task.id().value());
                if (existing != null) {
                    return Created.replay(db.tasks.get(new TaskId(existing)));
                }
                if (db.tasks.containsKey(task.id())) {
                    throw new IllegalStateException("duplicate task id " + task.id());
                }
                db.tasks.put(task.id(), task);
                db.history.add(creation);
                return Created.fresh(task);
            }
        });
    }

    @Override
    public Uni<Task> findById(TaskId id) {
        return Uni.createFrom().item(() -> db.task(id));
    }

    @Override
    public Uni<List<Task>> list(TaskQuery query, PageRequest page) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                boolean deadLetters = query.order() == TaskQuery.Order.DEAD_LETTERS;
                Comparator<Task> order = switch (query.order()) {
                    case CLAIM -> CLAIM_ORDER;
                    case DEAD_LETTERS -> Comparator.comparing(Task::completedAt).reversed()
                            .thenComparing(t -> t.id().value(), Comparator.reverseOrder());
                    case CREATED -> BY_CREATION;
                };
                return db.tasks.values().stream()
                        .filter(t -> deadLetters
                                ? t.isDeadLetter()
                                : query.status() == null || t.status() == query.status())
                        .filter(t -> query.botId() == null || query.botId().equals(t.botId()))
                        .filter(t -> query.workflowId() == null || query.workflowId().equals(t.workflowId()))
                        .filter(t -> query.type() == null || query.type().equals(t.type()))
                        .sorted(order)
                        .skip(page.offset())
                        .limit(page.limit())
                        .toList();
            }
        });
    }

    @Override
    public Uni<List<Task>> findByWorkflow(WorkflowId workflowId) {
        return Uni.createFrom().item(() -> db.steps(workflowId));
    }

    @Override
    public Uni<Long> countHeldBy(BotId botId) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return db.tasks.values().stream()
                        .filter(t -> botId.equals(t.botId()) && t.status().isHeldByBot())
                        .count();
            }
        });
    }

    @Override
    public Uni<java.util.Map<BotId, Long>> countHeldBy(List<BotId> botIds) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                java.util.Map<BotId, Long> held = new java.util.HashMap<>();
                db.tasks.values().stream()
                        .filter(t -> t.botId() != null && botIds.contains(t.botId()) && t.status().isHeldByBot())
                        .forEach(t -> held.merge(t.botId(), 1L, Long::sum));
                return held;
            }
        });
    }

    @Override
    public Uni<TaskChanges> apply(TaskChanges given) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                if (given.isEmpty()) {
                    return given;
                }
                TaskChanges changes = follow(given);
                checkVersions(changes);
                for (Versioned<Task> v : changes.tasks()) {
                    Task before = db.tasks.get(v.next().id());
                    db.tasks.put(v.next().id(), InMemoryDatabase.withVersion(v.next(), v.expectedVersion() + 1));
                    followLease(before, v.next());
                }
                for (Versioned<Bot> v : changes.bots()) {
                    Bot stored = db.bots.get(v.next().id());
                    db.bots.put(stored.id(), new Bot(stored.id(), stored.name(), stored.capabilities(),
                            v.next().status(), stored.metadata(), stored.lastHeartbeatAt(), stored.createdAt(),
                            v.next().updatedAt(), stored.slots(), stored.version() + 1));
                }
                for (Versioned<Workflow> v : changes.workflows()) {
                    Workflow stored = db.workflows.get(v.next().id());
                    db.workflows.put(stored.id(), new Workflow(stored.id(), stored.name(), stored.description(),
                            v.next().status(), stored.metadata(), stored.taskIds(), v.next().startedAt(),
                            stored.createdAt(), v.next().updatedAt(), stored.version() + 1, stored.definition(),
                            stored.input()));
                }
                db.history.addAll(changes.events());
                applied++;
                return changes;
            }
        });
    }

    /** What follows for the changes' workflow, decided from its steps as stored; the caller holds the lock. */
    private TaskChanges follow(TaskChanges changes) {
        TaskChanges.Follow follow = changes.follow();
        if (follow == null) {
            return changes;
        }
        Workflow workflow = db.workflows.get(follow.workflowId());
        TaskChanges.Builder more = TaskChanges.builder();
        if (workflow != null) {
            follow.rule().follow(workflow, changes.inPlace(db.steps(follow.workflowId())), more);
        }
        return changes.plus(more.build());
    }

    /**
     * A new assignment gets the acknowledgement lease, a start the running lease; a task no bot holds has no
     * lease.
     */
    private void followLease(Task before, Task after) {
        if (!after.status().isHeldByBot()) {
            db.leaseExpiresAt.remove(after.id());
        } else if (before.status() != after.status() || before.attempt() != after.attempt()) {
            db.leaseExpiresAt.put(after.id(), db.clock.instant().plus(leaseFor(after)));
        }
    }

    private Duration leaseFor(Task held) {
        return held.status() == TaskStatus.ASSIGNED ? ackTimeout : lease;
    }

    @Override
    public Uni<List<Task>> claim(BotId botId, List<String> capabilities, int slots) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                claims++;
                long held = heldBy(botId).size();
                long free = slots - held;
                if (free <= 0) {
                    return List.of();
                }
                Instant now = db.clock.instant();
                List<Task> candidates = db.tasks.values().stream()
                        .filter(t -> t.status() == TaskStatus.PENDING)
                        .filter(t -> t.runAt() == null || !t.runAt().isAfter(now))
                        .filter(t -> t.type() == null || capabilities.contains(t.type()))
                        .sorted(CLAIM_ORDER)
                        .limit(free)
                        .toList();
                List<Task> claimed = new ArrayList<>(candidates.size());
                for (Task pending : candidates) {
                    Task assigned = new Task(pending.id(), pending.type(), TaskStatus.ASSIGNED, pending.priority(),
                            pending.payload(), pending.result(), pending.error(), pending.errorCode(),
                            pending.timeoutSeconds(), pending.workflowId(), pending.workflowPosition(), botId,
                            pending.attempt() + 1, pending.createdAt(), now, now, null, null, pending.version() + 1,
                            pending.retry(), pending.scheduleToStartSeconds(), pending.runAt(), null,
                            now.plus(ackTimeout), pending.attemptsBefore());
                    db.tasks.put(assigned.id(), assigned);
                    db.history.add(TaskTransitioned.between(pending, assigned, Actor.system(),
                            "dispatched to bot " + botId));
                    db.leaseExpiresAt.put(assigned.id(), now.plus(ackTimeout));
                    startWorkflow(assigned.workflowId(), now);
                    claimed.add(assigned);
                }
                Bot bot = db.bots.get(botId);
                if (!claimed.isEmpty() && bot != null && bot.status() == BotStatus.ONLINE
                        && held + claimed.size() >= slots) {
                    db.bots.put(botId, new Bot(bot.id(), bot.name(), bot.capabilities(), BotStatus.BUSY,
                            bot.metadata(), bot.lastHeartbeatAt(), bot.createdAt(), now, bot.slots(),
                            bot.version() + 1));
                }
                return List.copyOf(claimed);
            }
        });
    }

    /** A pending workflow is in progress once one of its steps is taken. */
    private void startWorkflow(WorkflowId workflowId, Instant now) {
        Workflow workflow = workflowId == null ? null : db.workflows.get(workflowId);
        if (workflow != null && workflow.status() == WorkflowStatus.PENDING) {
            Workflow next = workflow.withStatus(WorkflowStatus.IN_PROGRESS, now);
            db.workflows.put(workflowId, new Workflow(next.id(), next.name(), next.description(), next.status(),
                    next.metadata(), next.taskIds(), next.startedAt(), next.createdAt(), next.updatedAt(),
                    next.version() + 1, next.definition(), next.input()));
        }
    }

    /**
     * The same contract as the one-statement SQL: the report takes effect only when the bot holds the task at the
     * attempt in an allowed status (and, unless it is a start, the task is in no workflow); then the task, its
     * history entry and the freed slot are written together.
     */
    @Override
    public Uni<Task> reportHeld(TaskId taskId, BotId botId, Integer attempt, HeldReport report,
            Map<String, Object> result, String error, String errorCode) {
        return Uni.createFrom().deferred(() -> {
            Task task;
            Bot bot;
            long held;
            Instant now;
            synchronized (db) {
                task = db.tasks.get(taskId);
                bot = db.bots.get(botId);
                held = db.tasks.values().stream().filter(t -> botId.equals(t.botId()) && t.status().isHeldByBot())
                        .count();
                now = db.clock.instant();
            }
            if (task == null || !botId.equals(task.botId()) || (attempt != null && attempt != task.attempt())
                    || (report != HeldReport.START && task.workflowId() != null)
                    || (report == HeldReport.FAIL && task.attemptsMade() < task.retry().maxAttempts())) {
                return Uni.createFrom().nullItem();
            }
            io.clawbot.coordinator.domain.task.Fence fence = new io.clawbot.coordinator.domain.task.Fence(attempt,
                    botId);
            io.clawbot.coordinator.domain.common.Transition<Task> transition = switch (report) {
                case START -> task.start(fence, now);
                case COMPLETE -> task.complete(fence, result, now);
                case FAIL -> task.fail(fence, error, errorCode, now, 0);
            };
            if (!(transition instanceof io.clawbot.coordinator.domain.common.Transition.Changed<Task> changed)) {
                return Uni.createFrom().nullItem();
            }
            String reason = switch (report) {
                case START -> "started";
                case COMPLETE -> "completed";
                case FAIL -> "failed: " + error;
            };
            TaskChanges.Builder changes = TaskChanges.builder().task(task, changed.next(), Actor.bot(botId), reason);
            if (report != HeldReport.START && bot != null) {
                changes.bot(bot, bot.releasedTask(held - 1, now));
            }
            return apply(changes.build()).map(ignored -> {
                synchronized (db) {
                    return db.tasks.get(taskId);
                }
            });
        });
    }

    @Override
    public Uni<Void> renewRunningLeases(BotId botId, List<Running> running) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant until = db.clock.instant().plus(lease);
                for (Running r : running) {
                    Task task = db.tasks.get(r.taskId());
                    if (task != null && botId.equals(task.botId()) && task.attempt() == r.attempt()
                            && task.status() == TaskStatus.IN_PROGRESS) {
                        db.leaseExpiresAt.put(task.id(), until);
                    }
                }
                return null;
            }
        });
    }

    @Override
    public Uni<Void> renewRunningLeases(BotId botId) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant until = db.clock.instant().plus(lease);
                heldBy(botId).stream().filter(t -> t.status() == TaskStatus.IN_PROGRESS)
                        .forEach(t -> db.leaseExpiresAt.put(t.id(), until));
                return null;
            }
        });
    }

    @Override
    public Uni<Boolean> renewLease(TaskId taskId, int attempt, BotId botId) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Task task = db.tasks.get(taskId);
                if (task == null || task.status() != TaskStatus.IN_PROGRESS || task.attempt() != attempt
                        || !botId.equals(task.botId())) {
                    return false;
                }
                db.leaseExpiresAt.put(taskId, db.clock.instant().plus(lease));
                return true;
            }
        });
    }

    @Override
    public Uni<Void> shortenLeases(BotId botId, Duration grace) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant limit = db.clock.instant().plus(grace);
                for (Task held : heldBy(botId)) {
                    Instant current = db.leaseExpiresAt.get(held.id());
                    if (current == null || current.isAfter(limit)) {
                        db.leaseExpiresAt.put(held.id(), limit);
                    }
                }
                return null;
            }
        });
    }

    @Override
    public Uni<List<Task>> renewHeldLeases(BotId botId) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant now = db.clock.instant();
                List<Task> held = heldBy(botId);
                held.forEach(t -> db.leaseExpiresAt.put(t.id(), now.plus(leaseFor(t))));
                return held;
            }
        });
    }

    @Override
    public Uni<List<Task>> expiredLeases(int limit) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant now = db.clock.instant();
                return db.tasks.values().stream()
                        .filter(t -> t.status().isHeldByBot())
                        .filter(t -> db.leaseExpiresAt.containsKey(t.id()))
                        .filter(t -> db.leaseExpiresAt.get(t.id()).isBefore(now))
                        .sorted(Comparator.comparing((Task t) -> db.leaseExpiresAt.get(t.id()))
                                .thenComparing(t -> t.id().value()))
                        .limit(limit)
                        .toList();
            }
        });
    }

    @Override
    public Uni<List<TaskTransitioned>> history(TaskId id) {
        return Uni.createFrom().item(() -> db.history(id));
    }

    @Override
    public Uni<List<Task>> expiredDeadlines(int limit) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant now = db.clock.instant();
                return db.tasks.values().stream()
                        .filter(t -> t.status() == TaskStatus.PENDING || t.status() == TaskStatus.IN_PROGRESS)
                        .filter(t -> t.deadlineAt() != null && t.deadlineAt().isBefore(now))
                        .sorted(Comparator.comparing(Task::deadlineAt).thenComparing(t -> t.id().value()))
                        .limit(limit)
                        .toList();
            }
        });
    }

    /** The tasks a bot holds, oldest first; the caller holds the database's lock. */
    private List<Task> heldBy(BotId botId) {
        return db.tasks.values().stream()
                .filter(t -> botId.equals(t.botId()) && t.status().isHeldByBot())
                .sorted(BY_CREATION)
                .toList();
    }

    /** Fails, writing nothing, unless every row is still at the version its new state was computed from. */
    private void checkVersions(TaskChanges changes) {
        String stale = null;
        for (Versioned<Task> v : changes.tasks()) {
            if (isStale(db.tasks, v.next().id(), v.expectedVersion(), Task::version)) {
                stale = "Task " + v.next().id();
            }
        }
        for (Versioned<Bot> v : changes.bots()) {
            if (isStale(db.bots, v.next().id(), v.expectedVersion(), Bot::version)) {
                stale = "Bot " + v.next().id();
            }
        }
        for (Versioned<Workflow> v : changes.workflows()) {
            if (isStale(db.workflows, v.next().id(), v.expectedVersion(), Workflow::version)) {
                stale = "Workflow " + v.next().id();
            }
        }
        if (stale != null) {
            rejected++;
            throw ConflictException.concurrentModification(stale);
        }
    }

    private static <K, V> boolean isStale(Map<K, V> table, K id, long expected, ToLongFunction<V> version) {
        V stored = table.get(id);
        return stored == null || version.applyAsLong(stored) != expected;
    }

    @Override
    public Uni<Boolean> delete(TaskId id, long expectedVersion) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Task stored = db.tasks.get(id);
                if (stored == null || stored.version() != expectedVersion) {
                    return false;
                }
                db.tasks.remove(id);
                db.leaseExpiresAt.remove(id);
                db.history.removeIf(e -> e.taskId().equals(id));
                db.forget(id.value());
                return true;
            }
        });
    }

    /** How many lifecycle steps were written. */
    public int appliedCount() {
        synchronized (db) {
            return applied;
        }
    }

    /** How many claim statements ran, the ones that claimed nothing included. */
    public int claimCount() {
        synchronized (db) {
            return claims;
        }
    }

    /** How many lifecycle steps were refused for a stale version. */
    public int conflictCount() {
        synchronized (db) {
            return rejected;
        }
    }

    /** Every stored task, oldest first. */
    public List<Task> all() {
        synchronized (db) {
            List<Task> out = new ArrayList<>(db.tasks.values());
            out.sort(BY_CREATION);
            return out;
        }
    }
}
