package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Refusal;
import io.clawbot.coordinator.domain.common.Rejection;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.KeyId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A unit of work and its lifecycle:
 *
 * <pre>
 * waiting -> pending -> assigned -> in_progress -> completed
 *               ^          |             |
 *               +----------+-------------+  an attempt that fails, times out or loses its lease, while the
 *                                           retry policy allows another (after a backoff when it failed)
 *            assigned | in_progress -> failed | timed_out   when it does not: the dead-letter states
 *            failed | timed_out -> pending                  a redrive, with a fresh set of attempts
 *            pending -> timed_out                           nobody started it within its schedule-to-start limit
 *            (any open status) -> cancelled
 * </pre>
 *
 * Every assignment raises {@link #attempt()}; reports about the task carry a {@link Fence} and a stale one
 * changes nothing. Each method returns the next state as a value; none mutates. Instants come from the caller's
 * clock, which the service keeps on the database's time; a transition is never dated before the task's last one.
 *
 * @param errorCode a short code for the last error: a bot's own, or one of the timeout codes of {@link Timeout}
 * @param workflowPosition zero-based place in its workflow, {@code null} for a standalone task
 * @param version optimistic-lock counter, raised by every write
 * @param retry the resolved retry policy
 * @param scheduleToStartSeconds how long it may wait for a bot each time it becomes ready; {@code null}: no limit
 * @param runAt not dispatched before this instant; {@code null}: at once
 * @param deadlineAt while pending, when its schedule-to-start limit runs out; while running, when its execution
 *        timeout does; otherwise {@code null}
 * @param leaseExpiresAt while a bot holds it, when the bot's lease lapses (kept by the store, read only)
 * @param attemptsBefore attempts made before its last redrive, which do not count against {@code retry}
 * @param owner the API key of the client that created it (a workflow's steps: the workflow's); {@code null} when
 *        the service did (schedules), and for work created before keys existed
 * @param progress the latest progress a bot reported (kept by the store, read only); {@code null} when none
 * @param traceParent the W3C {@code traceparent} of what created it (the request, or its workflow's), which its
 *        dispatches, its bot's run and its reports continue; {@code null} when it was created outside a trace
 * @param concurrency the limit of its concurrency key; {@code null} when it has none
 * @param fairness its fairness key and weight; {@code null} when it has none (it shares its type's default key)
 * @param rate the rate limit of its rate limit key; {@code null} when it has none
 */
public record Task(
        TaskId id,
        String type,
        TaskStatus status,
        int priority,
        Map<String, Object> payload,
        Map<String, Object> result,
        String error,
        String errorCode,
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
        long version,
        RetryPolicy retry,
        Integer scheduleToStartSeconds,
        Instant runAt,
        Instant deadlineAt,
        Instant leaseExpiresAt,
        int attemptsBefore,
        KeyId owner,
        TaskProgress progress,
        String traceParent,
        ConcurrencyLimit concurrency,
        FairShare fairness,
        RateLimit rate) {

    /**
     * The reserved type of a workflow's approval step: no bot may declare it, so no bot takes the step; a key of
     * the approvers' role decides it.
     */
    public static final String APPROVAL_TYPE = "clawbot:approval";
    /** The error code of a rejected approval. */
    public static final String REJECTED = "rejected";

    /** The error codes of the ways an attempt can run out of time. */
    public enum Timeout {
        /** The bot did not accept the assignment within the acknowledgement timeout. */
        ACK("ack_timeout"),
        /** The bot holding it went silent and its lease lapsed. */
        LEASE("lease_expired"),
        /** It ran longer than its {@code timeout_seconds}. */
        EXECUTION("execution_timeout"),
        /** No bot started it within its schedule-to-start limit. */
        SCHEDULE_TO_START("schedule_to_start_timeout");

        private final String code;

        Timeout(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        /** Whether {@code code} is the error code of one of the timeouts. */
        public static boolean isTimeoutCode(String code) {
            for (Timeout t : values()) {
                if (t.code.equals(code)) {
                    return true;
                }
            }
            return false;
        }
    }

    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        payload = JsonObjects.copyOf(payload);
        result = JsonObjects.copyOfNullable(result);
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
    }

    /** A new standalone task: pending, claimable from its {@code runAt}. */
    public static Task create(TaskId id, TaskSpec spec, RetryPolicy retry, Instant now) {
        return fresh(id, spec, retry, null, null, TaskStatus.PENDING, now);
    }

    /** A new standalone task under the built-in default retry policy. */
    public static Task create(TaskId id, TaskSpec spec, Instant now) {
        return create(id, spec, RetryPolicy.DEFAULT.with(spec.retry()), now);
    }

    /** A new workflow step under the built-in default retry policy. */
    public static Task createStep(TaskId id, TaskSpec spec, WorkflowId workflowId, int position, boolean ready,
            Instant now) {
        return createStep(id, spec, RetryPolicy.DEFAULT.with(spec.retry()), workflowId, position, ready, now);
    }

    /** A new workflow step; {@code ready} makes it pending at once, otherwise it waits for its turn. */
    public static Task createStep(TaskId id, TaskSpec spec, RetryPolicy retry, WorkflowId workflowId, int position,
            boolean ready, Instant now) {
        return fresh(id, spec, retry, workflowId, position, ready ? TaskStatus.PENDING : TaskStatus.WAITING, now);
    }

    private static Task fresh(TaskId id, TaskSpec spec, RetryPolicy retry, WorkflowId workflowId, Integer position,
            TaskStatus status, Instant now) {
        Instant runAt = spec.runAt() != null ? spec.runAt() : spec.delay() != null ? now.plus(spec.delay()) : null;
        Instant deadline = status == TaskStatus.PENDING
                ? readyDeadline(spec.scheduleToStartSeconds(), runAt, now)
                : null;
        return new Task(id, spec.type(), status, spec.priority(), spec.payload(), null, null, null,
                spec.timeoutSeconds(), workflowId, position, null, 0, now, now, null, null, null, 0, retry,
                spec.scheduleToStartSeconds(), runAt, deadline, null, 0, null, null, null, null, null, null);
    }

    /** The same new task, created by the client with this key ({@code null}: by the service itself). */
    public Task ownedBy(KeyId key) {
        return new Task(id, type, status, priority, payload, result, error, errorCode, timeoutSeconds, workflowId,
                workflowPosition, botId, attempt, createdAt, updatedAt, assignedAt, startedAt, completedAt, version,
                retry, scheduleToStartSeconds, runAt, deadlineAt, leaseExpiresAt, attemptsBefore, key, progress,
                traceParent, concurrency, fairness, rate);
    }

    /** The same new task, created within the trace whose W3C {@code traceparent} this is ({@code null}: none). */
    public Task tracedFrom(String parent) {
        return new Task(id, type, status, priority, payload, result, error, errorCode, timeoutSeconds, workflowId,
                workflowPosition, botId, attempt, createdAt, updatedAt, assignedAt, startedAt, completedAt, version,
                retry, scheduleToStartSeconds, runAt, deadlineAt, leaseExpiresAt, attemptsBefore, owner, progress,
                parent, concurrency, fairness, rate);
    }

    /** The same new task, limited by its concurrency key ({@code null}: none). */
    public Task limitedBy(ConcurrencyLimit limit) {
        return new Task(id, type, status, priority, payload, result, error, errorCode, timeoutSeconds, workflowId,
                workflowPosition, botId, attempt, createdAt, updatedAt, assignedAt, startedAt, completedAt, version,
                retry, scheduleToStartSeconds, runAt, deadlineAt, leaseExpiresAt, attemptsBefore, owner, progress,
                traceParent, limit, fairness, rate);
    }

    /** The same new task, in this fair share ({@code null}: its type's default key). */
    public Task sharing(FairShare share) {
        return new Task(id, type, status, priority, payload, result, error, errorCode, timeoutSeconds, workflowId,
                workflowPosition, botId, attempt, createdAt, updatedAt, assignedAt, startedAt, completedAt, version,
                retry, scheduleToStartSeconds, runAt, deadlineAt, leaseExpiresAt, attemptsBefore, owner, progress,
                traceParent, concurrency, share, rate);
    }

    /** The same new task, limited by the rate of its rate limit key ({@code null}: none). */
    public Task ratedBy(RateLimit limit) {
        return new Task(id, type, status, priority, payload, result, error, errorCode, timeoutSeconds, workflowId,
                workflowPosition, botId, attempt, createdAt, updatedAt, assignedAt, startedAt, completedAt, version,
                retry, scheduleToStartSeconds, runAt, deadlineAt, leaseExpiresAt, attemptsBefore, owner, progress,
                traceParent, concurrency, fairness, limit);
    }

    /** The same task with the latest progress a bot reported; its state and version are unchanged. */
    public Task withProgress(TaskProgress latest) {
        return new Task(id, type, status, priority, payload, result, error, errorCode, timeoutSeconds, workflowId,
                workflowPosition, botId, attempt, createdAt, updatedAt, assignedAt, startedAt, completedAt, version,
                retry, scheduleToStartSeconds, runAt, deadlineAt, leaseExpiresAt, attemptsBefore, owner, latest,
                traceParent, concurrency, fairness, rate);
    }

    /** The schedule-to-start deadline of a task that becomes ready now and may run from {@code runAt}. */
    private static Instant readyDeadline(Integer scheduleToStartSeconds, Instant runAt, Instant now) {
        if (scheduleToStartSeconds == null) {
            return null;
        }
        Instant from = runAt != null && runAt.isAfter(now) ? runAt : now;
        return from.plusSeconds(scheduleToStartSeconds);
    }

    /** Attempts made since the task was created or last redriven, the current one included. */
    public int attemptsMade() {
        return attempt - attemptsBefore;
    }

    /** Whether it ended in a dead-letter state: failed or timed out, with no retry left. */
    public boolean isDeadLetter() {
        return status == TaskStatus.FAILED || status == TaskStatus.TIMED_OUT;
    }

    /** Pending -> assigned to {@code bot}, as a new attempt. Assigning again to the same bot is a repeat. */
    public Transition<Task> assign(Bot bot, Instant now) {
        now = notBefore(now);
        if (status == TaskStatus.ASSIGNED && bot.id().equals(botId)) {
            return Transition.unchanged(this);
        }
        if (status != TaskStatus.PENDING) {
            return wrongStatus("only a pending task can be assigned");
        }
        if (!bot.hasCapability(type)) {
            return Transition.rejected(Refusal.MISSING_CAPABILITY,
                    "Bot " + bot.id() + " lacks capability '" + type + "' required by task " + id);
        }
        return Transition.changed(claimBy(bot.id(), now));
    }

    /**
     * The task as a claim takes it for a bot that may run it ({@link FastPath#isClaimable}): assigned to it as a
     * new attempt, not yet started.
     */
    public Task claimBy(BotId bot, Instant now) {
        now = notBefore(now);
        Next next = next(TaskStatus.ASSIGNED, now);
        next.botId = bot;
        next.attempt = attempt + 1;
        next.assignedAt = now;
        next.startedAt = null;
        next.completedAt = null;
        next.deadlineAt = null;
        return next.build();
    }

    /** Assigned -> in progress; its execution timeout starts counting. A repeat for the same attempt is idempotent. */
    public Transition<Task> start(Fence fence, Instant now) {
        now = notBefore(now);
        Rejection mismatch = fenceMismatch(fence);
        if (mismatch != null) {
            return Transition.rejected(mismatch);
        }
        return switch (status) {
            case ASSIGNED -> {
                Next next = next(TaskStatus.IN_PROGRESS, now);
                next.startedAt = now;
                next.deadlineAt = now.plusSeconds(timeoutSeconds);
                yield Transition.changed(next.build());
            }
            case IN_PROGRESS -> Transition.unchanged(this);
            default -> wrongStatus("only an assigned task can be started");
        };
    }

    /**
     * Assigned or in progress -> completed with {@code result}. A bot may complete without starting first. A
     * repeat for the same attempt answers with the stored result and changes nothing.
     */
    public Transition<Task> complete(Fence fence, Map<String, Object> result, Instant now) {
        now = notBefore(now);
        Rejection mismatch = fenceMismatch(fence);
        if (mismatch != null) {
            return Transition.rejected(mismatch);
        }
        return switch (status) {
            case ASSIGNED, IN_PROGRESS -> {
                Next next = ended(TaskStatus.COMPLETED, now);
                next.result = JsonObjects.copyOf(result);
                next.error = null;
                next.errorCode = null;
                yield Transition.changed(next.build());
            }
            case COMPLETED -> Transition.unchanged(this);
            default -> wrongStatus("only an assigned or running task can be completed");
        };
    }

    /** {@link #fail(Fence, String, String, Instant, double)} without an error code. */
    public Transition<Task> fail(Fence fence, String error, Instant now) {
        return fail(fence, error, null, now, 0);
    }

    /**
     * The bot's attempt failed with {@code error}. While the retry policy allows another attempt and the error
     * code is retryable, the task goes back to pending and may run again after the policy's backoff; otherwise
     * assigned or in progress -> failed. A repeat for the same attempt is idempotent.
     *
     * @param random a number in [0, 1) that picks the backoff's jitter
     */
    public Transition<Task> fail(Fence fence, String error, String errorCode, Instant now, double random) {
        now = notBefore(now);
        if (isRetryAfterFailureOf(fence)) {
            return Transition.unchanged(this);
        }
        Rejection mismatch = fenceMismatch(fence);
        if (mismatch != null) {
            return Transition.rejected(mismatch);
        }
        return switch (status) {
            case ASSIGNED, IN_PROGRESS -> Transition.changed(endAttempt(TaskStatus.FAILED, error, errorCode, true, now,
                    random));
            case FAILED -> Transition.unchanged(this);
            default -> wrongStatus("only an assigned or running task can fail");
        };
    }

    /**
     * In progress past its execution deadline -> retried or timed out, by the retry policy, as for a failure.
     * The error says by how much the limit was exceeded.
     */
    public Transition<Task> timeOut(Instant now, double random) {
        now = notBefore(now);
        if (status != TaskStatus.IN_PROGRESS || deadlineAt == null || now.isBefore(deadlineAt)) {
            return Transition.rejected(Refusal.NOT_DUE,
                    "Task " + id + " is " + status.wire() + " and not past an execution deadline");
        }
        String error = Timeout.EXECUTION.code() + ": attempt " + attempt + " ran longer than its timeout of "
                + timeoutSeconds + " s (exceeded by " + seconds(Duration.between(deadlineAt, now)) + " s)";
        return Transition.changed(endAttempt(TaskStatus.TIMED_OUT, error, Timeout.EXECUTION.code(), true, now,
                random));
    }

    /**
     * Pending past its schedule-to-start deadline -> timed out. No retry follows: another attempt would only
     * wait again for a bot that is not there.
     */
    public Transition<Task> expireStartWindow(Instant now) {
        now = notBefore(now);
        if (status != TaskStatus.PENDING || deadlineAt == null || now.isBefore(deadlineAt)) {
            return Transition.rejected(Refusal.NOT_DUE,
                    "Task " + id + " is " + status.wire() + " and not past a schedule-to-start deadline");
        }
        Next next = ended(TaskStatus.TIMED_OUT, now);
        next.startedAt = null;
        next.error = Timeout.SCHEDULE_TO_START.code() + ": no bot started it within its schedule-to-start limit of "
                + scheduleToStartSeconds + " s (exceeded by " + seconds(Duration.between(deadlineAt, now)) + " s)";
        next.errorCode = Timeout.SCHEDULE_TO_START.code();
        return Transition.changed(next.build());
    }

    /** Any open status -> cancelled; cancelling again is idempotent; a finished task cannot be cancelled. */
    public Transition<Task> cancel(String reason, Instant now) {
        now = notBefore(now);
        return switch (status) {
            case WAITING, PENDING, ASSIGNED, IN_PROGRESS -> {
                Next next = next(TaskStatus.CANCELLED, now);
                next.completedAt = now;
                next.error = reason;
                next.errorCode = null;
                next.deadlineAt = null;
                yield Transition.changed(next.build());
            }
            case CANCELLED -> Transition.unchanged(this);
            case COMPLETED, FAILED, TIMED_OUT, SKIPPED -> Transition.rejected(Refusal.ALREADY_ENDED,
                    "Task " + id + " is already " + status.wire() + "; a finished task cannot be cancelled");
        };
    }

    /**
     * Assigned or in progress, and the bot let its lease lapse (it did not accept in time, or went away and did
     * not come back): the attempt is over. The task is offered again at once while the retry policy allows
     * another attempt, otherwise it times out. Reports for this attempt are stale from now on.
     */
    public Transition<Task> releaseLease(Instant now) {
        now = notBefore(now);
        if (!status.isHeldByBot()) {
            return wrongStatus("only a held task has a lease");
        }
        Timeout which = status == TaskStatus.ASSIGNED ? Timeout.ACK : Timeout.LEASE;
        String over = leaseExpiresAt == null || now.isBefore(leaseExpiresAt)
                ? ""
                : " (lapsed " + seconds(Duration.between(leaseExpiresAt, now)) + " s ago)";
        String error = which == Timeout.ACK
                ? which.code() + ": bot " + botId + " did not accept attempt " + attempt + " in time" + over
                : which.code() + ": bot " + botId + " went silent during attempt " + attempt + over;
        return Transition.changed(endAttempt(TaskStatus.TIMED_OUT, error, which.code(), false, now, 0));
    }

    /**
     * Assigned or in progress -> pending, without spending an attempt of the retry budget: the coordinator takes
     * the task back for its own reasons (a replica shutting down before the bot accepted), not the task's.
     */
    public Transition<Task> handBack(Instant now) {
        now = notBefore(now);
        if (!status.isHeldByBot()) {
            return wrongStatus("only a held task can be handed back");
        }
        Next next = pendingAgain(now, null);
        next.attemptsBefore = attemptsBefore + 1;
        next.error = null;
        next.errorCode = null;
        return Transition.changed(next.build());
    }

    /**
     * Failed or timed out -> pending with a fresh set of attempts (a redrive from the dead-letter list). Attempt
     * numbers keep rising, so reports about the old attempts stay stale.
     */
    public Transition<Task> redrive(Instant now) {
        now = notBefore(now);
        if (!isDeadLetter()) {
            return wrongStatus("only a failed or timed-out task can be redriven");
        }
        if (workflowId != null) {
            return Transition.rejected(Refusal.WORKFLOW_STEP, "Task " + id + " belongs to workflow " + workflowId
                    + "; a workflow step cannot be redriven on its own");
        }
        Next next = pendingAgain(now, null);
        next.attemptsBefore = attempt;
        return Transition.changed(next.build());
    }

    /** Waiting -> pending: the workflow step's turn has come. */
    public Transition<Task> makeReady(Instant now) {
        return makeReady(now, payload);
    }

    /** Waiting -> pending with {@code resolvedPayload}: the workflow step's params with their references filled in. */
    public Transition<Task> makeReady(Instant now, Map<String, Object> resolvedPayload) {
        now = notBefore(now);
        return switch (status) {
            case WAITING -> {
                Next next = next(TaskStatus.PENDING, now);
                next.payload = JsonObjects.copyOf(resolvedPayload);
                next.deadlineAt = readyDeadline(scheduleToStartSeconds, runAt, now);
                yield Transition.changed(next.build());
            }
            case PENDING -> Transition.unchanged(this);
            default ->
                wrongStatus("only a waiting task can be made ready");
        };
    }

    /**
     * An approval step's decision: pending -> completed (approved) or failed (rejected, code {@code rejected}), with
     * the decision as its result. Decided once: an approval that ended refuses another decision.
     *
     * @param decision what was decided, by whom and when, kept as the result
     */
    public Transition<Task> decide(boolean approve, Map<String, Object> decision, String reason, Instant now) {
        now = notBefore(now);
        if (!isApproval()) {
            return wrongStatus("only an approval step is decided");
        }
        return switch (status) {
            case PENDING -> {
                Next next = ended(approve ? TaskStatus.COMPLETED : TaskStatus.FAILED, now);
                next.startedAt = null;
                next.result = JsonObjects.copyOf(decision);
                next.error = approve ? null : reason;
                next.errorCode = approve ? null : REJECTED;
                yield Transition.changed(next.build());
            }
            case WAITING -> wrongStatus("its turn has not come: the steps before it have not ended");
            default -> Transition.rejected(Refusal.ALREADY_ENDED, "Approval " + id + " was decided already ("
                    + status.wire() + ")");
        };
    }

    /** Whether this is a workflow's approval step, which no bot takes. */
    public boolean isApproval() {
        return APPROVAL_TYPE.equals(type);
    }

    /** Waiting -> skipped: its workflow will not reach it. Skipping again is idempotent. */
    public Transition<Task> skip(String reason, Instant now) {
        return skip(reason, null, now);
    }

    /** Skips a waiting step, with an error code that says why ({@code condition_false}: its condition was false). */
    public Transition<Task> skip(String reason, String code, Instant now) {
        now = notBefore(now);
        return switch (status) {
            case WAITING -> {
                Next next = next(TaskStatus.SKIPPED, now);
                next.completedAt = now;
                next.error = reason;
                next.errorCode = code;
                yield Transition.changed(next.build());
            }
            case SKIPPED -> Transition.unchanged(this);
            default ->
                wrongStatus("only a waiting step can be skipped");
        };
    }

    /**
     * Whether the task may be deleted: not while a bot holds it, and a workflow step only with its workflow.
     *
     * @return {@code null} when it may, otherwise why not
     */
    public Rejection deletionBlocker() {
        if (status.isHeldByBot()) {
            return new Rejection(Refusal.HELD_BY_BOT, "Task " + id + " is " + status.wire()
                    + "; cancel it before deleting it");
        }
        if (workflowId != null) {
            return new Rejection(Refusal.WORKFLOW_STEP, "Task " + id + " belongs to workflow " + workflowId
                    + "; delete the workflow instead");
        }
        return null;
    }

    /**
     * A progress report from the fenced attempt: it keeps the task as it is (the store renews the lease). Only a
     * running task, by the bot running it at that attempt, reports progress.
     */
    public Transition<Task> progress(Fence fence) {
        Rejection mismatch = fenceMismatch(fence);
        if (mismatch != null) {
            return Transition.rejected(mismatch);
        }
        return status == TaskStatus.IN_PROGRESS
                ? Transition.unchanged(this)
                : wrongStatus("only a running task reports progress");
    }

    /**
     * Whether a failure report for the fenced attempt repeats the failure that ended that attempt: the task waits
     * for its retry and nobody has taken it since.
     */
    private boolean isRetryAfterFailureOf(Fence fence) {
        return status == TaskStatus.PENDING && attempt > attemptsBefore && fence != null && fence.attempt() != null
                && fence.attempt() == attempt && error != null && !Timeout.isTimeoutCode(errorCode);
    }

    private Rejection fenceMismatch(Fence fence) {
        return fence == null ? null : fence.mismatch(this);
    }

    /** A refusal for the task's current status, which the detail names. */
    private <T> Transition<T> wrongStatus(String allowed) {
        return Transition.rejected(Refusal.WRONG_STATUS, "Task " + id + " is " + status.wire() + "; " + allowed);
    }

    /**
     * The end of the current attempt with an error: back to pending while the policy allows (after a backoff when
     * {@code backoff}), otherwise {@code terminal}.
     */
    private Task endAttempt(TaskStatus terminal, String error, String errorCode, boolean backoff, Instant now,
            double random) {
        if (retry.allowsRetry(attemptsMade(), errorCode)) {
            Instant runAfter = backoff ? now.plus(retry.backoff(attemptsMade(), random)) : null;
            Next next = pendingAgain(now, runAfter);
            next.error = error;
            next.errorCode = errorCode;
            return next.build();
        }
        Next next = ended(terminal, now);
        next.error = error;
        next.errorCode = errorCode;
        return next.build();
    }

    private Next pendingAgain(Instant now, Instant runAfter) {
        Next next = next(TaskStatus.PENDING, now);
        next.botId = null;
        next.assignedAt = null;
        next.startedAt = null;
        next.completedAt = null;
        next.result = null;
        next.runAt = runAfter;
        next.deadlineAt = readyDeadline(scheduleToStartSeconds, runAfter, now);
        return next;
    }

    private Next ended(TaskStatus terminal, Instant now) {
        Next next = next(terminal, now);
        next.startedAt = startedAt == null ? now : startedAt;
        next.completedAt = now;
        next.deadlineAt = null;
        return next;
    }

    /**
     * When a transition computed at {@code now} happens: never before the task's last one. Replicas' clocks may
     * differ by a little; a task's history does not go back in time for it.
     */
    private Instant notBefore(Instant now) {
        return updatedAt != null && now.isBefore(updatedAt) ? updatedAt : now;
    }

    private Next next(TaskStatus nextStatus, Instant now) {
        Next next = new Next(this);
        next.status = nextStatus;
        next.updatedAt = now;
        return next;
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

    /** A mutable copy for building the next state; never leaves this class. */
    private static final class Next {
        private final Task from;
        private TaskStatus status;
        private Map<String, Object> payload;
        private Map<String, Object> result;
        private String error;
        private String errorCode;
        private BotId botId;
        private int attempt;
        private Instant updatedAt;
        private Instant assignedAt;
        private Instant startedAt;
        private Instant completedAt;
        private Instant runAt;
        private Instant deadlineAt;
        private int attemptsBefore;

        Next(Task from) {
            this.from = from;
            this.status = from.status;
            this.payload = from.payload;
            this.result = from.result;
            this.error = from.error;
            this.errorCode = from.errorCode;
            this.botId = from.botId;
            this.attempt = from.attempt;
            this.updatedAt = from.updatedAt;
            this.assignedAt = from.assignedAt;
            this.startedAt = from.startedAt;
            this.completedAt = from.completedAt;
            this.runAt = from.runAt;
            this.deadlineAt = from.deadlineAt;
            this.attemptsBefore = from.attemptsBefore;
        }

        Task build() {
            return new Task(from.id, from.type, status, from.priority, payload, result, error, errorCode,
                    from.timeoutSeconds, from.workflowId, from.workflowPosition, botId, attempt, from.createdAt,
                    updatedAt, assignedAt, startedAt, completedAt, from.version, from.retry,
                    from.scheduleToStartSeconds, runAt, deadlineAt, status.isHeldByBot() ? from.leaseExpiresAt : null,
                    attemptsBefore, from.owner, from.progress, from.traceParent, from.concurrency,
                    from.fairness, from.rate);
        }
    }
}
