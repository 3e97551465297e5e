package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskChanges;
import io.clawbot.coordinator.domain.task.TaskChanges.Versioned;
import io.clawbot.coordinator.domain.task.TaskId;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * Tasks in memory with the port's contract: idempotent creation, and lifecycle steps written all together or
 * not at all, each row conditional on the version it was read at and raised by one when written.
 */
public final class FakeTaskStore implements TaskStore {

    static final String IDEMPOTENCY_SCOPE = "tasks";

    private static final Comparator<Task> BY_CREATION = Comparator.comparing(Task::createdAt)
            .thenComparing(t -> t.id().value());

    private final InMemoryDatabase db;
    private int applied;
    private int rejected;

    public FakeTaskStore(InMemoryDatabase db) {
        this.db = db;
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
                Comparator<Task> order = query.order() == TaskQuery.Order.CLAIM
                        ? Comparator.comparing(Task::priority).reversed().thenComparing(BY_CREATION)
                        : BY_CREATION;
                return db.tasks.values().stream()
                        .filter(t -> query.status() == null || t.status() == query.status())
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
    public Uni<Void> apply(TaskChanges changes) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                if (changes.isEmpty()) {
                    return null;
                }
                checkVersions(changes);
                for (Versioned<Task> v : changes.tasks()) {
                    db.tasks.put(v.next().id(), InMemoryDatabase.withVersion(v.next(), v.expectedVersion() + 1));
                }
                for (Versioned<Bot> v : changes.bots()) {
                    Bot stored = db.bots.get(v.next().id());
                    db.bots.put(stored.id(), new Bot(stored.id(), stored.name(), stored.capabilities(),
                            v.next().status(), stored.metadata(), stored.lastHeartbeatAt(), stored.createdAt(),
                            v.next().updatedAt(), stored.version() + 1));
                }
                for (Versioned<Workflow> v : changes.workflows()) {
                    Workflow stored = db.workflows.get(v.next().id());
                    db.workflows.put(stored.id(), new Workflow(stored.id(), stored.name(), stored.description(),
                            v.next().status(), stored.metadata(), stored.taskIds(), v.next().startedAt(),
                            stored.createdAt(), v.next().updatedAt(), stored.version() + 1));
                }
                db.history.addAll(changes.events());
                applied++;
                return null;
            }
        });
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
