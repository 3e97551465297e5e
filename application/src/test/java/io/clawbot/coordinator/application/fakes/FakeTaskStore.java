package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges.Versioned;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.FastPath;
import io.clawbot.coordinator.domain.task.KeyedBatch;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * Tasks in memory with the port's contract: idempotent creation, reads in the store's orders, counts of held tasks,
 * and deletion conditional on the version.
 */
public final class FakeTaskStore implements TaskStore {

    static final String IDEMPOTENCY_SCOPE = "tasks";

    static final Comparator<Task> BY_CREATION = Comparator.comparing(Task::createdAt)
            .thenComparing(t -> t.id().value());

    private final InMemoryDatabase db;

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
                db.tag(List.of(task));
                db.tasks.put(task.id(), task);
                db.history.add(creation);
                return Created.fresh(task);
            }
        });
    }

    @Override
    public Uni<List<Stored>> createAll(List<NewTask> batch) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Map<String, KeyedBatch.Claim> stored = new HashMap<>();
                KeyedBatch.claimants(batch).forEach((key, claimant) -> {
                    KeyedBatch.Claim before = db.claimed(IDEMPOTENCY_SCOPE, key);
                    if (before != null) {
                        stored.put(key, before);
                    } else {
                        db.claim(IDEMPOTENCY_SCOPE, claimant.key(), claimant.task().id().value());
                    }
                });
                List<Stored> outcomes = KeyedBatch.outcomes(batch, stored);
                List<Task> created = new java.util.ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    if (outcomes.get(i).outcome() == Stored.Outcome.CREATED) {
                        created.add(batch.get(i).task());
                    }
                }
                db.tag(created);
                for (int i = 0; i < batch.size(); i++) {
                    if (outcomes.get(i).outcome() == Stored.Outcome.CREATED) {
                        Task task = batch.get(i).task();
                        if (db.tasks.containsKey(task.id())) {
                            throw new IllegalStateException("duplicate task id " + task.id());
                        }
                        db.tasks.put(task.id(), task);
                        db.history.add(batch.get(i).creation());
                    }
                }
                return outcomes;
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
                    case CLAIM -> query.type() == null ? FastPath.CLAIM_ORDER : FastPath.withinType(db::fairTag);
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
                        .filter(t -> query.owner() == null || query.owner().equals(t.owner()))
                        .sorted(order)
                        .skip(page.offset())
                        .limit(page.limit())
                        .toList();
            }
        });
    }

    @Override
    public Uni<List<Task>> findByIds(List<TaskId> ids) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return ids.stream().distinct().map(db.tasks::get).filter(java.util.Objects::nonNull).toList();
            }
        });
    }

    @Override
    public Uni<List<Task>> findByWorkflows(List<WorkflowId> workflowIds) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return workflowIds.stream().distinct().flatMap(id -> db.steps(id).stream()).toList();
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
    public Uni<List<TaskTransitioned>> history(TaskId id) {
        return Uni.createFrom().item(() -> db.history(id));
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

    /** Every stored task, oldest first. */
    public List<Task> all() {
        synchronized (db) {
            List<Task> out = new ArrayList<>(db.tasks.values());
            out.sort(BY_CREATION);
            return out;
        }
    }
}
