package io.clawbot.coordinator.domain.testing;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import java.time.Instant;
import java.util.Map;

/**
 * Builds tasks in any state without repeating the record's long constructor. A task held by a bot gets the
 * bot, the attempt and the timestamps that the lifecycle would have given it.
 */
public final class Tasks {

    public static final String TYPE = "render";

    /** The fixture's default policy: one attempt, so a failure ends the task. */
    public static final RetryPolicy NO_RETRY = RetryPolicy.DEFAULT.with(
            new RetryPolicy.Overrides(1, null, null, null, null, null));

    private TaskId id = Ids.taskId();
    private String type = TYPE;
    private TaskStatus status = TaskStatus.PENDING;
    private int priority;
    private Map<String, Object> payload = Map.of("input", "scene-1");
    private Map<String, Object> result;
    private String error;
    private WorkflowId workflowId;
    private Integer workflowPosition;
    private BotId botId;
    private int attempt;
    private Instant createdAt = Times.T0;
    private Instant updatedAt = Times.T0;
    private Instant assignedAt;
    private Instant startedAt;
    private Instant completedAt;
    private long version;
    private RetryPolicy retry = NO_RETRY;
    private Integer scheduleToStartSeconds;
    private Instant runAt;
    private Instant deadlineAt;
    private Instant leaseExpiresAt;
    private String errorCode;

    private Tasks() {
    }

    /** A pending standalone task of type {@value #TYPE} that no bot holds yet. */
    public static Tasks aTask() {
        return new Tasks();
    }

    /**
     * A realistic task in {@code status}: held or finished ones as attempt 1 of {@code bot}, a cancelled one
     * cancelled while pending.
     */
    public static Tasks inState(TaskStatus status, Bot bot) {
        Tasks tasks = new Tasks();
        return switch (status) {
            case WAITING -> tasks.waiting();
            case PENDING -> tasks.pending();
            case ASSIGNED -> tasks.assignedTo(bot, 1);
            case IN_PROGRESS -> tasks.inProgressOn(bot, 1);
            case COMPLETED -> tasks.completedOn(bot, 1, Map.of("frames", 24));
            case FAILED -> tasks.failedOn(bot, 1, "out of memory");
            case TIMED_OUT -> tasks.failedOn(bot, 1, "execution_timeout: too slow").status(TaskStatus.TIMED_OUT);
            case CANCELLED -> tasks.cancelled("no longer needed");
            case SKIPPED -> tasks.cancelled("not reached").status(TaskStatus.SKIPPED);
        };
    }

    public Tasks id(TaskId value) {
        this.id = value;
        return this;
    }

    public Tasks typed(String value) {
        this.type = value;
        return this;
    }

    public Tasks untyped() {
        this.type = null;
        return this;
    }

    public Tasks status(TaskStatus value) {
        this.status = value;
        return this;
    }

    public Tasks waiting() {
        return status(TaskStatus.WAITING);
    }

    public Tasks pending() {
        return status(TaskStatus.PENDING);
    }

    public Tasks attempt(int value) {
        this.attempt = value;
        return this;
    }

    public Tasks retry(RetryPolicy value) {
        this.retry = value;
        return this;
    }

    /** Retried under the default policy with these many attempts in all. */
    public Tasks maxAttempts(int value) {
        return retry(RetryPolicy.DEFAULT.with(new RetryPolicy.Overrides(value, null, null, null, null, null)));
    }

    public Tasks scheduleToStart(Integer seconds) {
        this.scheduleToStartSeconds = seconds;
        return this;
    }

    public Tasks runAt(Instant value) {
        this.runAt = value;
        return this;
    }

    public Tasks deadlineAt(Instant value) {
        this.deadlineAt = value;
        return this;
    }

    public Tasks leaseExpiresAt(Instant value) {
        this.leaseExpiresAt = value;
        return this;
    }

    public Tasks version(long value) {
        this.version = value;
        return this;
    }

    /** Assigned to {@code bot} as attempt {@code number}, at {@link Times#T1}. */
    public Tasks assignedTo(Bot bot, int number) {
        return assignedTo(bot.id(), number);
    }

    /** Assigned to {@code bot} as attempt {@code number}, at {@link Times#T1}. */
    public Tasks assignedTo(BotId bot, int number) {
        this.status = TaskStatus.ASSIGNED;
        this.botId = bot;
        this.attempt = number;
        this.assignedAt = Times.T1;
        this.updatedAt = Times.T1;
        return this;
    }

    /** Assigned as attempt {@code number} and started at {@link Times#T2}. */
    public Tasks inProgressOn(Bot bot, int number) {
        assignedTo(bot, number);
        this.status = TaskStatus.IN_PROGRESS;
        this.startedAt = Times.T2;
        this.updatedAt = Times.T2;
        this.deadlineAt = Times.T2.plusSeconds(300);
        return this;
    }

    /** Started and completed with {@code value} at {@link Times#T3}. */
    public Tasks completedOn(Bot bot, int number, Map<String, Object> value) {
        inProgressOn(bot, number);
        this.status = TaskStatus.COMPLETED;
        this.deadlineAt = null;
        this.result = value;
        this.completedAt = Times.T3;
        this.updatedAt = Times.T3;
        return this;
    }

    /** Started and failed with {@code message} at {@link Times#T3}. */
    public Tasks failedOn(Bot bot, int number, String message) {
        inProgressOn(bot, number);
        this.status = TaskStatus.FAILED;
        this.deadlineAt = null;
        this.error = message;
        this.completedAt = Times.T3;
        this.updatedAt = Times.T3;
        return this;
    }

    /** Cancelled while pending, at {@link Times#T3}. */
    public Tasks cancelled(String reason) {
        this.status = TaskStatus.CANCELLED;
        this.deadlineAt = null;
        this.error = reason;
        this.completedAt = Times.T3;
        this.updatedAt = Times.T3;
        return this;
    }

    /** A step of {@code workflow} at {@code position}. */
    public Tasks stepOf(WorkflowId workflow, int position) {
        this.workflowId = workflow;
        this.workflowPosition = position;
        return this;
    }

    private io.clawbot.coordinator.domain.task.ConcurrencyLimit concurrency;
    private io.clawbot.coordinator.domain.task.FairShare fairness;

    public Task build() {
        return new Task(id, type, status, priority, payload, result, error, errorCode, 300, workflowId,
                workflowPosition, botId, attempt, createdAt, updatedAt, assignedAt, startedAt, completedAt, version,
                retry, scheduleToStartSeconds, runAt, deadlineAt, status.isHeldByBot() ? leaseExpiresAt : null, 0,
                null, null, null, concurrency, fairness, null);
    }

    /** The task in a fair share. */
    public Tasks sharing(String key, int weight) {
        this.fairness = new io.clawbot.coordinator.domain.task.FairShare(key, weight);
        return this;
    }

    /** The task limited by a concurrency key. */
    public Tasks limitedBy(String key, int max) {
        this.concurrency = new io.clawbot.coordinator.domain.task.ConcurrencyLimit(key, max);
        return this;
    }
}
