package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A unit of work and its lifecycle:
 *
 * <pre>
 * waiting -> pending -> assigned -> in_progress -> completed | failed
 *            (any open status) -> cancelled
 * </pre>
 *
 * Every assignment raises {@link #attempt()}; reports about the task carry a {@link Fence} and a stale one
 * changes nothing. Each method returns the next state as a value; none mutates.
 *
 * @param workflowPosition zero-based place in its workflow, {@code null} for a standalone task
 * @param version optimistic-lock counter, raised by every write
 */
public record Task(
        TaskId id,
        String type,
        TaskStatus status,
        int priority,
        Map<String, Object> payload,
        Map<String, Object> result,
        String error,
        int timeoutSeconds,
        WorkflowId workflowId,
        Integer workflowPosition,
        BotId botId,
        int attempt,
        Instant createdAt,
        Instant updatedAt,
        Instant assignedAt,
        Instant startedAt,
        Instant completedAt,
        long version) {

    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        payload = JsonObjects.copyOf(payload);
        result = JsonObjects.copyOfNullable(result);
    }

    /** A new standalone task, ready to be claimed. */
    public static Task create(TaskId id, TaskSpec spec, Instant now) {
        return new Task(id, spec.type(), TaskStatus.PENDING, spec.priority(), spec.payload(), null, null,
                spec.timeoutSeconds(), null, null, null, 0, now, now, null, null, null, 0);
    }

    /** A new workflow step; {@code ready} makes it pending at once, otherwise it waits for its turn. */
    public static Task createStep(TaskId id, TaskSpec spec, WorkflowId workflowId, int position, boolean ready,
            Instant now) {
        return new Task(id, spec.type(), ready ? TaskStatus.PENDING : TaskStatus.WAITING, spec.priority(),
                spec.payload(), null, null, spec.timeoutSeconds(), workflowId, position, null, 0, now, now, null, null,
                null, 0);
    }

    /** Pending -> assigned to {@code bot}, as a new attempt. Assigning again to the same bot is a repeat. */
    public Transition<Task> assign(Bot bot, Instant now) {
        if (status == TaskStatus.ASSIGNED && bot.id().equals(botId)) {
            return Transition.unchanged(this);
        }
        if (status != TaskStatus.PENDING) {
            return Transition.rejected("Task " + id + " is " + status.wire() + "; only a pending task can be assigned");
        }
        if (!bot.hasCapability(type)) {
            return Transition.rejected("Bot " + bot.id() + " lacks capability '" + type + "' required by task " + id);
        }
        return Transition.changed(with(TaskStatus.ASSIGNED, bot.id(), attempt + 1, now, now, null, null, result,
                error));
    }

    /** Assigned -> in progress. A repeat for the same attempt is idempotent. */
    public Transition<Task> start(Fence fence, Instant now) {
        String mismatch = fenceMismatch(fence);
        if (mismatch != null) {
            return Transition.rejected(mismatch);
        }
        return switch (status) {
            case ASSIGNED -> Transition.changed(with(TaskStatus.IN_PROGRESS, botId, attempt, now, assignedAt, now,
                    null, result, error));
            case IN_PROGRESS -> Transition.unchanged(this);
            default -> Transition.rejected(
                    "Task " + id + " is " + status.wire() + "; only an assigned task can be started");
        };
    }

    /**
     * Assigned or in progress -> completed with {@code result}. A bot may complete without starting first. A
     * repeat for the same attempt answers with the stored result and changes nothing.
     */
    public Transition<Task> complete(Fence fence, Map<String, Object> result, Instant now) {
        String mismatch = fenceMismatch(fence);
        if (mismatch != null) {
            return Transition.rejected(mismatch);
        }
        return switch (status) {
            case ASSIGNED, IN_PROGRESS -> Transition.changed(with(TaskStatus.COMPLETED, botId, attempt, now,
                    assignedAt, startedAt == null ? now : startedAt, now, JsonObjects.copyOf(result), null));
            case COMPLETED -> Transition.unchanged(this);
            default -> Transition.rejected(
                    "Task " + id + " is " + status.wire() + "; only an assigned or running task can be completed");
        };
    }

    /** Assigned or in progress -> failed with {@code error}. A repeat for the same attempt is idempotent. */
    public Transition<Task> fail(Fence fence, String error, Instant now) {
        String mismatch = fenceMismatch(fence);
        if (mismatch != null) {
            return Transition.rejected(mismatch);
        }
        return switch (status) {
            case ASSIGNED, IN_PROGRESS -> Transition.changed(with(TaskStatus.FAILED, botId, attempt, now, assignedAt,
                    startedAt == null ? now : startedAt, now, result, error));
            case FAILED -> Transition.unchanged(this);
            default -> Transition.rejected(
                    "Task " + id + " is " + status.wire() + "; only an assigned or running task can fail");
        };
    }

    /** Any open status -> cancelled; cancelling again is idempotent; a finished task cannot be cancelled. */
    public Transition<Task> cancel(String reason, Instant now) {
        return switch (status) {
            case WAITING, PENDING, ASSIGNED, IN_PROGRESS -> Transition.changed(with(TaskStatus.CANCELLED, botId,
                    attempt, now, assignedAt, startedAt, now, result, reason));
            case CANCELLED -> Transition.unchanged(this);
            case COMPLETED, FAILED -> Transition.rejected(
                    "Task " + id + " is already " + status.wire() + "; a finished task cannot be cancelled");
        };
    }

    /**
     * Assigned or in progress -> pending again: the bot let its lease lapse (it did not accept in time, or went
     * away and did not come back). The next assignment is a new attempt; reports for this one are stale.
     */
    public Transition<Task> releaseLease(Instant now) {
        if (!status.isHeldByBot()) {
            return Transition.rejected("Task " + id + " is " + status.wire() + "; only a held task has a lease");
        }
        return Transition.changed(with(TaskStatus.PENDING, null, attempt, now, null, null, null, result, error));
    }

    /** Waiting -> pending: the workflow step's turn has come. */
    public Transition<Task> makeReady(Instant now) {
        return switch (status) {
            case WAITING -> Transition.changed(with(TaskStatus.PENDING, botId, attempt, now, assignedAt, startedAt,
                    completedAt, result, error));
            case PENDING -> Transition.unchanged(this);
            default ->
                Transition.rejected("Task " + id + " is " + status.wire() + "; only a waiting task can be made ready");
        };
    }

    /**
     * Whether the task may be deleted: not while a bot holds it, and a workflow step only with its workflow.
     *
     * @return {@code null} when it may, otherwise the reason
     */
    public String deletionBlocker() {
        if (status.isHeldByBot()) {
            return "Task " + id + " is " + status.wire() + "; cancel it before deleting it";
        }
        if (workflowId != null) {
            return "Task " + id + " belongs to workflow " + workflowId + "; delete the workflow instead";
        }
        return null;
    }

    private String fenceMismatch(Fence fence) {
        return fence == null ? null : fence.mismatch(this);
    }

    private Task with(TaskStatus nextStatus, BotId nextBot, int nextAttempt, Instant now, Instant nextAssignedAt,
            Instant nextStartedAt, Instant nextCompletedAt, Map<String, Object> nextResult, String nextError) {
        return new Task(id, type, nextStatus, priority, payload, nextResult, nextError, timeoutSeconds, workflowId,
                workflowPosition, nextBot, nextAttempt, createdAt, now, nextAssignedAt, nextStartedAt, nextCompletedAt,
                version);
    }
}
