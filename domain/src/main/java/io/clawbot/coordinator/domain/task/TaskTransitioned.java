package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.DomainEvent;
import io.clawbot.coordinator.domain.id.TaskId;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a task's history: a status change, who caused it, for which attempt and why.
 *
 * @param from {@code null} for the creation of the task
 * @param reason what happened, for people
 * @param cause what happened, as a short stable code for counting: see {@link #causeOf(Task, Task)}
 */
public record TaskTransitioned(
        TaskId taskId,
        TaskStatus from,
        TaskStatus to,
        int attempt,
        Actor actor,
        String reason,
        Instant occurredAt,
        String cause) {

    public TaskTransitioned {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(cause, "cause");
    }

    public static TaskTransitioned created(Task task, Actor actor) {
        return new TaskTransitioned(task.id(), null, task.status(), task.attempt(), actor, "created",
                task.createdAt(), "created");
    }

    public static TaskTransitioned between(Task before, Task after, Actor actor, String reason) {
        return new TaskTransitioned(after.id(), before.status(), after.status(), after.attempt(), actor, reason,
                after.updatedAt(), causeOf(before, after));
    }

    /**
     * The cause code of a transition, from the two states: {@code assigned}, {@code started}, {@code completed},
     * {@code failed}, {@code cancelled}, {@code ready} (a workflow step's turn), {@code redriven},
     * {@code handed_back}; for an attempt that ended without a result its error code ({@code ack_timeout},
     * {@code lease_expired}, {@code execution_timeout}, {@code schedule_to_start_timeout}, or the bot's own), and
     * {@code retry_scheduled} when a failure with a bot's code or none leads to another attempt.
     */
    public static String causeOf(Task before, Task after) {
        TaskStatus from = before.status();
        return switch (after.status()) {
            case ASSIGNED -> "assigned";
            case IN_PROGRESS -> "started";
            case COMPLETED -> "completed";
            case FAILED -> "failed";
            case CANCELLED -> "cancelled";
            case SKIPPED -> "skipped";
            case TIMED_OUT -> after.errorCode() == null ? "timed_out" : after.errorCode();
            case WAITING -> "waiting";
            case PENDING -> {
                if (from == TaskStatus.WAITING) {
                    yield "ready";
                }
                if (from == TaskStatus.FAILED || from == TaskStatus.TIMED_OUT) {
                    yield "redriven";
                }
                if (from.isHeldByBot() && after.attemptsBefore() > before.attemptsBefore()) {
                    yield "handed_back";
                }
                if (from.isHeldByBot()) {
                    yield Task.Timeout.isTimeoutCode(after.errorCode()) ? after.errorCode() : "retry_scheduled";
                }
                yield "pending";
            }
        };
    }

}
