package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowQuery;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.smallrye.mutiny.Uni;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Workflows in memory with the port's contract: a workflow and its steps created together, idempotently; its
 * step list read from the tasks themselves; deleted together with its steps and their history.
 */
public final class FakeWorkflowStore implements WorkflowStore {

    static final String IDEMPOTENCY_SCOPE = "workflows";

    private final InMemoryDatabase db;

    public FakeWorkflowStore(InMemoryDatabase db) {
        this.db = db;
    }

    @Override
    public Uni<Created<Workflow>> create(Workflow workflow, List<Task> steps, List<TaskTransitioned> creations,
            IdempotencyKey key) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                UUID existing = db.claim(IDEMPOTENCY_SCOPE, key, workflow.id().value());
                if (existing != null) {
                    return Created.replay(read(new WorkflowId(existing)));
                }
                if (db.workflows.containsKey(workflow.id())) {
                    throw new IllegalStateException("duplicate workflow id " + workflow.id());
                }
                db.workflows.put(workflow.id(), workflow);
                db.tag(steps);
                steps.forEach(step -> db.tasks.put(step.id(), step));
                db.history.addAll(creations);
                return Created.fresh(workflow);
            }
        });
    }

    @Override
    public Uni<Workflow> findById(WorkflowId id) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return read(id);
            }
        });
    }

    @Override
    public Uni<List<Workflow>> findByIds(List<WorkflowId> ids) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return ids.stream().distinct().map(this::read).filter(java.util.Objects::nonNull).toList();
            }
        });
    }

    @Override
    public Uni<List<Workflow>> list(WorkflowQuery query, PageRequest page) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return db.workflows.keySet().stream()
                        .map(this::read)
                        .filter(w -> query.status() == null || w.status() == query.status())
                        .filter(w -> query.owner() == null || query.owner().equals(w.owner()))
                        .sorted(Comparator.comparing(Workflow::createdAt)
                                .thenComparing(w -> w.id().value()).reversed())
                        .skip(page.offset())
                        .limit(page.limit())
                        .toList();
            }
        });
    }

    @Override
    public Uni<List<WorkflowId>> stalled(WorkflowId after, int limit) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return db.workflows.values().stream()
                        .filter(w -> w.isStarted() && !w.status().isTerminal())
                        .filter(w -> after == null || w.id().value().compareTo(after.value()) > 0)
                        .filter(w -> db.steps(w.id()).stream().noneMatch(
                                t -> t.status() == TaskStatus.PENDING || t.status().isHeldByBot()))
                        .map(Workflow::id)
                        .sorted(Comparator.comparing(WorkflowId::value))
                        .limit(limit)
                        .toList();
            }
        });
    }

    @Override
    public Uni<Boolean> delete(WorkflowId id) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                if (db.workflows.remove(id) == null) {
                    return false;
                }
                Set<TaskId> steps = db.tasks.values().stream()
                        .filter(t -> id.equals(t.workflowId()))
                        .map(Task::id)
                        .collect(Collectors.toSet());
                db.tasks.keySet().removeAll(steps);
                db.leaseExpiresAt.keySet().removeAll(steps);
                db.history.removeIf(e -> steps.contains(e.taskId()));
                db.forget(id.value());
                return true;
            }
        });
    }

    /** The stored workflow with its step list as the tasks table has it, or {@code null}. */
    private Workflow read(WorkflowId id) {
        Workflow w = db.workflows.get(id);
        if (w == null) {
            return null;
        }
        List<TaskId> taskIds = db.steps(id).stream().map(Task::id).toList();
        return new Workflow(w.id(), w.name(), w.description(), w.status(), w.metadata(), taskIds, w.startedAt(),
                w.createdAt(), w.updatedAt(), w.version(), w.definition(), w.input(), w.owner());
    }
}
