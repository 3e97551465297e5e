package io.clawbot.coordinator.domain.task.port;

import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskChanges;
import io.clawbot.coordinator.domain.task.TaskId;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** Durable store of tasks and their history; the source of truth for every task's state. */
public interface TaskStore {

    /**
     * Stores a new task and its creation entry. With a key, a repeat of the same request returns the task
     * first created for it ({@link Created#replayed()}); a different request under the same key fails with an
     * {@code IdempotencyKeyReusedException}.
     */
    Uni<Created<Task>> create(Task task, TaskTransitioned creation, IdempotencyKey key);

    /** The task, or {@code null} when none has this id. */
    Uni<Task> findById(TaskId id);

    /** A task's history, oldest first; empty when there is no such task (every task has its creation entry). */
    Uni<List<TaskTransitioned>> history(TaskId id);

    /** Tasks matching the query, in the query's order. */
    Uni<List<Task>> list(TaskQuery query, PageRequest page);

    /** The steps of a workflow in their order. */
    Uni<List<Task>> findByWorkflow(WorkflowId workflowId);

    /** How many tasks a bot holds (assigned or in progress). */
    Uni<Long> countHeldBy(BotId botId);

    /** How many tasks each of these bots holds, in one query; bots holding nothing are absent. */
    Uni<java.util.Map<BotId, Long>> countHeldBy(List<BotId> botIds);

    /**
     * Writes one lifecycle step in a single transaction. Each write is conditional on its expected version;
     * if any is stale nothing is written and the result fails with
     * {@code ConflictException.concurrentModification}. When the changes carry a {@link TaskChanges.Follow}, the
     * transaction first takes the workflow's lock, reads it and its steps, and writes what the rule adds along with
     * the rest (nothing follows for a workflow that no longer exists).
     *
     * @return everything written, what the follow added included
     */
    Uni<TaskChanges> apply(TaskChanges changes);

    /**
     * Claims pending tasks for one bot in one statement: up to its free slots ({@code slots} minus the tasks
     * it holds), of a type among {@code capabilities} or untyped, highest priority first then oldest, skipping
     * rows other claimers have locked. Each claimed task is assigned to the bot as a new attempt with an
     * acknowledgement lease, its history entry is written, a pending workflow becomes in progress and the bot
     * becomes busy when its slots are full.
     *
     * @return the claimed tasks, in claim order
     */
    Uni<List<Task>> claim(BotId botId, List<String> capabilities, int slots);

    /** What a bot reports about a task it holds, for {@link #reportHeld}. */
    enum HeldReport {
        /** Assigned -> in progress, with the running lease. */
        START,
        /** Assigned or in progress -> completed, with a result. */
        COMPLETE,
        /** Assigned or in progress -> failed, with an error. */
        FAIL
    }

    /**
     * The hot path of a bot's report, in one statement: when the bot holds the task at this attempt (any when
     * {@code attempt} is null) in a status the report may leave, the task moves on, its history entry is written
     * and, when the task ends, the bot's slot is freed. A task in a workflow is left to the full path unless the
     * report is a start (its workflow has no step to advance then), and a failure is left to it unless the
     * task's retry policy allows no further attempt (the full path decides the retry).
     *
     * @return the task as written, or {@code null} when the report did not match; the caller then decides it
     *         the full way, which also explains a stale or repeated report
     */
    Uni<Task> reportHeld(TaskId taskId, BotId botId, Integer attempt, HeldReport report,
            java.util.Map<String, Object> result, String error, String errorCode);

    /** Renews the leases of the tasks a bot is running, from now (a heartbeat). */
    Uni<Void> renewRunningLeases(BotId botId);

    /** A task a bot says it is running, at an attempt. */
    record Running(TaskId taskId, int attempt) {
    }

    /**
     * Renews, from now, the leases of those of {@code running} that the bot is running at that attempt (a
     * heartbeat that names its tasks): a task the bot holds but no longer knows is left to lapse.
     */
    Uni<Void> renewRunningLeases(BotId botId, List<Running> running);

    /**
     * Renews the lease of one running task if the bot still holds it at this attempt (progress).
     *
     * @return whether it did
     */
    Uni<Boolean> renewLease(TaskId taskId, int attempt, BotId botId);

    /** Shortens the leases of everything a bot holds to at most {@code grace} from now (it disconnected). */
    Uni<Void> shortenLeases(BotId botId, java.time.Duration grace);

    /**
     * Gives a bot that came back its tasks' leases again: the acknowledgement lease for assigned ones, the
     * running lease for running ones.
     *
     * @return the tasks the bot holds
     */
    Uni<List<Task>> renewHeldLeases(BotId botId);

    /** Up to {@code limit} held tasks whose lease has expired by the store's clock, earliest first. */
    Uni<List<Task>> expiredLeases(int limit);

    /**
     * Up to {@code limit} tasks past their deadline by the store's clock, earliest first: pending ones past their
     * schedule-to-start limit and running ones past their execution timeout.
     */
    Uni<List<Task>> expiredDeadlines(int limit);

    /** Deletes the task and its history if it is still at {@code expectedVersion}. */
    Uni<Boolean> delete(TaskId id, long expectedVersion);
}
