package io.clawbot.coordinator.domain.task.port;

import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Durable store of tasks and their history; the source of truth for every task's state. Lifecycle steps are
 * written through the {@code UnitOfWork}, the hot path's claims and reports through the {@link WorkQueue}, and
 * leases through {@link TaskLeases}.
 */
public interface TaskStore {

    /**
     * Stores a new task and its creation entry. With a key, a repeat of the same request returns the task
     * first created for it ({@link Created#replayed()}); a different request under the same key fails with an
     * {@code IdempotencyKeyReusedException}.
     */
    Uni<Created<Task>> create(Task task, TaskTransitioned creation, IdempotencyKey key);

    /** A task to store with its creation entry, and the client's key for it, if any. */
    record NewTask(Task task, TaskTransitioned creation, IdempotencyKey key) {

        public NewTask {
            java.util.Objects.requireNonNull(task, "task");
            java.util.Objects.requireNonNull(creation, "creation");
        }
    }

    /**
     * What became of one task of {@link #createAll}: {@code id} is the task created, or, for a replay, the task
     * first created under its key; {@code null} when the key was refused.
     */
    record Stored(Outcome outcome, TaskId id) {

        public enum Outcome {
            /** Stored now. */
            CREATED,
            /** Its key was first used for the same request (earlier, or by an earlier task of the batch). */
            REPLAYED,
            /** Its key was first used for another request: nothing of it is stored. */
            KEY_REUSED
        }
    }

    /**
     * Stores many new tasks in one transaction: all that are stored commit together or none does. Each key is
     * judged as {@link #create} judges it, against what is stored and against the tasks before it in the batch,
     * so the same key twice in one batch creates one task. Batches that share keys and run at once wait for each
     * other and never both create.
     *
     * @return one entry per task, in the order given
     */
    Uni<List<Stored>> createAll(List<NewTask> tasks);

    /** The task, or {@code null} when none has this id. */
    Uni<Task> findById(TaskId id);

    /** The tasks of these ids that exist, in one query, in no particular order. */
    Uni<List<Task>> findByIds(List<TaskId> ids);

    /** A task's history, oldest first; empty when there is no such task (every task has its creation entry). */
    Uni<List<TaskTransitioned>> history(TaskId id);

    /** Tasks matching the query, in the query's order. */
    Uni<List<Task>> list(TaskQuery query, PageRequest page);

    /** The steps of a workflow in their order. */
    Uni<List<Task>> findByWorkflow(WorkflowId workflowId);

    /** The steps of these workflows, in one query, each workflow's in their order. */
    Uni<List<Task>> findByWorkflows(List<WorkflowId> workflowIds);

    /** How many tasks a bot holds (assigned or in progress). */
    Uni<Long> countHeldBy(BotId botId);

    /** How many tasks each of these bots holds, in one query; bots holding nothing are absent. */
    Uni<java.util.Map<BotId, Long>> countHeldBy(List<BotId> botIds);

    /** Deletes the task and its history if it is still at {@code expectedVersion}. */
    Uni<Boolean> delete(TaskId id, long expectedVersion);
}
