package io.clawbot.coordinator.adapters.rest.task;

import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.insight.Explanation;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskProgress;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the task API (snake_case). */
public final class TaskDtos {

    private TaskDtos() {
    }

    @Schema(name = "CreateTaskRequest")
    public record CreateTaskRequest(
            @Schema(description = "Capability a bot needs to take the task; absent lets any bot take it", example = "build", pattern = Names.TOKEN_PATTERN) String type,
            @Schema(description = "Higher runs first; absent: 0", minimum = "" + TaskSpec.MIN_PRIORITY, maximum = ""
                    + TaskSpec.MAX_PRIORITY) Integer priority,
            @Schema(description = "What the bot should do: any JSON object") Map<String, Object> payload,
            @Schema(description = "How long a bot may work on it, in seconds from its acceptance; absent: 300", minimum = ""
                    + TaskSpec.MIN_TIMEOUT_SECONDS, maximum = "" + TaskSpec.MAX_TIMEOUT_SECONDS) Integer timeoutSeconds,
            @Schema(description = "Retry choices; fields left out come from the defaults for the task's type") RetryRequest retry,
            @Schema(description = "How long the task may wait for a bot each time it becomes ready before it times out, in seconds; absent: no limit", minimum = "1", maximum = ""
                    + TaskSpec.MAX_WAIT_SECONDS) Integer scheduleToStartSeconds,
            @Schema(description = "Not dispatched before this instant (ISO-8601 with an offset); not with delay_seconds") OffsetDateTime runAt,
            @Schema(description = "Not dispatched before this many seconds after creation; not with run_at", minimum = "0", maximum = ""
                    + TaskSpec.MAX_WAIT_SECONDS) Double delaySeconds,
            @Schema(description = "Seed 004's name for payload; give one or the other") Map<String, Object> params,
            @Schema(description = "At most max_concurrency tasks of this key are held by bots at once (assigned or running), counted across every replica; the others wait, pending. ${payload.<field>} takes a field of the payload (a dotted field nests)", example = "customer:${payload.customer_id}", maxLength = ConcurrencyLimit.MAX_KEY_LENGTH) String concurrencyKey,
            @Schema(description = "How many tasks of the concurrency key bots may hold at once; required with concurrency_key", minimum = ""
                    + ConcurrencyLimit.MIN_MAX, maximum = "" + ConcurrencyLimit.MAX_MAX) Integer maxConcurrency,
            @Schema(description = "Among ready tasks of one type and priority, fairness keys are served in proportion to their weights: one key's backlog does not hold up the others', and a key that arrives late gets its share at once. Tasks without a fairness key share their type's default key, of weight 1. ${payload.<field>} takes a field of the payload", example = "tenant:${payload.tenant_id}", maxLength = FairShare.MAX_KEY_LENGTH) String fairnessKey,
            @Schema(description = "The fairness key's weight: a key of weight 3 gets three tasks dispatched for every one of a key of weight 1 while both have ready tasks; 1 when not given; only with fairness_key", minimum = ""
                    + FairShare.MIN_WEIGHT, maximum = "" + FairShare.MAX_WEIGHT) Integer fairnessWeight,
            @Schema(description = "At most rate_per_second tasks of this key are dispatched per second, in bursts of at most rate_burst, counted across every replica; the others wait, pending, and go as the key's bucket fills. ${payload.<field>} takes a field of the payload", example = "api:${payload.account}", maxLength = RateLimit.MAX_KEY_LENGTH) String rateLimitKey,
            @Schema(description = "How many tasks of the rate limit key may be dispatched per second (fractions allowed: 0.5 is one every two seconds); required with rate_limit_key", minimum = "0.001", maximum = "100000", example = "10") Double ratePerSecond,
            @Schema(description = "How many tasks of the rate limit key may go at once after a quiet spell; absent: one second's worth (at least 1); only with rate_limit_key", minimum = ""
                    + RateLimit.MIN_BURST, maximum = "" + RateLimit.MAX_BURST) Integer rateBurst) {

        /** The rate limit the request states, resolved against its payload; {@code null} for none. */
        @Schema(hidden = true)
        public RateLimit toRateLimit() {
            return RateLimit.of(rateLimitKey, ratePerSecond, rateBurst, toSpec().payload());
        }

        /** The concurrency limit the request states, resolved against its payload; {@code null} for none. */
        @Schema(hidden = true)
        public ConcurrencyLimit toConcurrency() {
            return ConcurrencyLimit.of(concurrencyKey, maxConcurrency, toSpec().payload());
        }

        /** The fair share the request states, resolved against its payload; {@code null} for the default key. */
        @Schema(hidden = true)
        public FairShare toFairShare() {
            return FairShare.of(fairnessKey, fairnessWeight, toSpec().payload());
        }

        /** The spec the request asks for. */
        @Schema(hidden = true)
        public TaskSpec toSpec() {
            // Generated clients send an empty object for a map they were not given.
            boolean hasPayload = payload != null && !payload.isEmpty();
            boolean hasParams = params != null && !params.isEmpty();
            if (hasPayload && hasParams) {
                throw new ValidationException("params", "is another name for payload: give one or the other");
            }
            TaskSpec base = TaskSpec.of(type, priority, hasParams ? params : payload, timeoutSeconds);
            if (delaySeconds != null && !(delaySeconds >= 0 && delaySeconds <= TaskSpec.MAX_WAIT_SECONDS)) {
                throw new ValidationException("delay_seconds", "must be between 0 and " + TaskSpec.MAX_WAIT_SECONDS);
            }
            return base.withTiming(retry == null ? null : retry.toOverrides(), scheduleToStartSeconds,
                    runAt == null ? null : runAt.toInstant(),
                    delaySeconds == null ? null : Duration.ofMillis(Math.round(delaySeconds * 1000)));
        }
    }

    @Schema(name = "RetryPolicyRequest", description = "Retry choices; each field is optional")
    public record RetryRequest(
            @Schema(description = "Attempts in all, including the first; 1 never retries", minimum = "1", maximum = ""
                    + RetryPolicy.MAX_ATTEMPTS) Integer maxAttempts,
            @Schema(description = "Wait before the first retry, in seconds", minimum = "0", maximum = ""
                    + RetryPolicy.MAX_BACKOFF_SECONDS) Double backoffSeconds,
            @Schema(description = "Each further wait is the previous one times this", minimum = "1", maximum = ""
                    + RetryPolicy.MAX_MULTIPLIER) Double backoffMultiplier,
            @Schema(description = "The longest wait, in seconds; not less than backoff_seconds", minimum = "0", maximum = ""
                    + RetryPolicy.MAX_BACKOFF_SECONDS) Double maxBackoffSeconds,
            @Schema(description = "Share of each wait drawn at random", minimum = "0", maximum = "1") Double jitter,
            @Schema(description = "Error codes that end the task at once", maxItems = RetryPolicy.MAX_NON_RETRYABLE_ERRORS) List<String> nonRetryableErrors) {

        @Schema(hidden = true)
        public RetryPolicy.Overrides toOverrides() {
            if (nonRetryableErrors != null) {
                for (int i = 0; i < nonRetryableErrors.size(); i++) {
                    if (nonRetryableErrors.get(i) == null) {
                        throw new ValidationException("retry.non_retryable_errors[" + i + "]", "must be a string");
                    }
                }
            }
            return new RetryPolicy.Overrides(maxAttempts, backoffSeconds, backoffMultiplier, maxBackoffSeconds, jitter,
                    nonRetryableErrors);
        }
    }

    @Schema(name = "RetryPolicy", requiredProperties = { "max_attempts", "backoff_seconds", "backoff_multiplier",
            "max_backoff_seconds", "jitter", "non_retryable_errors" })
    public record RetryResponse(int maxAttempts, double backoffSeconds, double backoffMultiplier,
            double maxBackoffSeconds, double jitter, List<String> nonRetryableErrors) {

        static RetryResponse of(RetryPolicy p) {
            return new RetryResponse(p.maxAttempts(), p.initialBackoff().toNanos() / 1e9, p.multiplier(),
                    p.maxBackoff().toNanos() / 1e9, p.jitter(), p.nonRetryableErrors().stream().sorted().toList());
        }
    }

    @Schema(name = "AssignTaskRequest")
    public record AssignTaskRequest(@Schema(required = true) UUID botId) {
    }

    @Schema(name = "TaskReportRequest", description = "Optional fencing: the attempt and bot the report is about")
    public record StartTaskRequest(
            @Schema(description = "The attempt this report is about; a stale one is rejected") Integer attempt,
            @Schema(description = "The bot sending the report") UUID botId) {
    }

    @Schema(name = "CompleteTaskRequest")
    public record CompleteTaskRequest(
            @Schema(description = "The task's output: any JSON object") Map<String, Object> result,
            @Schema(description = "The attempt this report is about; a stale one is rejected") Integer attempt,
            @Schema(description = "The bot sending the report") UUID botId) {
    }

    @Schema(name = "FailTaskRequest")
    public record FailTaskRequest(
            @Schema(required = true, description = "What went wrong") String error,
            @Schema(description = "A short code for the error, which the task's retry policy may name as not worth retrying", example = "invalid_input") String errorCode,
            @Schema(description = "The attempt this report is about; a stale one is rejected") Integer attempt,
            @Schema(description = "The bot sending the report") UUID botId) {
    }

    @Schema(name = "CancelTaskRequest")
    public record CancelTaskRequest(@Schema(description = "Why; recorded in the task's history") String reason) {
    }

    // The formatter mishandles records with annotated components.
    // @formatter:off
    @Schema(name = "Task", requiredProperties = { "id", "status", "priority", "payload", "timeout_seconds", "attempt", "created_at", "updated_at", "retry", "attempts_made" })
    public record TaskResponse(
            UUID id,
            String type,
            String status,
            int priority,
            Map<String, Object> payload,
            Map<String, Object> result,
            String error,
            @Schema(description = "Short code of the last error: the bot's own, or ack_timeout, lease_expired, execution_timeout, schedule_to_start_timeout") String errorCode,
            int timeoutSeconds,
            UUID workflowId,
            Integer workflowPosition,
            UUID botId,
            int attempt,
            Instant createdAt,
            Instant updatedAt,
            Instant assignedAt,
            Instant startedAt,
            Instant completedAt,
            RetryResponse retry,
            @Schema(description = "Attempts made since creation or the last redrive") int attemptsMade,
            Integer scheduleToStartSeconds,
            @Schema(description = "Not dispatched before this instant") Instant runAt,
            @Schema(description = "Pending: when its schedule-to-start limit runs out; running: when its execution timeout does") Instant deadlineAt,
            @Schema(description = "The latest progress a bot reported; it stays after the task ends") ProgressResponse progress,
            @Schema(description = "Its concurrency key, resolved; absent when it has none") String concurrencyKey,
            @Schema(description = "How many tasks of its concurrency key bots may hold at once") Integer maxConcurrency,
            @Schema(description = "Its fairness key, resolved; absent when it shares its type's default key") String fairnessKey,
            @Schema(description = "Its fairness key's weight") Integer fairnessWeight,
            @Schema(description = "Its rate limit key, resolved; absent when it has none") String rateLimitKey,
            @Schema(description = "How many tasks of its rate limit key may be dispatched per second") Double ratePerSecond,
            @Schema(description = "How many tasks of its rate limit key may go at once") Integer rateBurst) {
        // @formatter:on

        public static TaskResponse of(Task t) {
            return new TaskResponse(t.id().value(), t.type(), t.status().wire(), t.priority(), t.payload(), t.result(),
                    t.error(), t.errorCode(), t.timeoutSeconds(),
                    t.workflowId() == null ? null : t.workflowId().value(),
                    t.workflowPosition(), t.botId() == null ? null : t.botId().value(), t.attempt(), t.createdAt(),
                    t.updatedAt(), t.assignedAt(), t.startedAt(), t.completedAt(), RetryResponse.of(t.retry()),
                    t.attemptsMade(), t.scheduleToStartSeconds(), t.runAt(), t.deadlineAt(),
                    ProgressResponse.of(t.progress()), t.concurrency() == null ? null : t.concurrency().key(),
                    t.concurrency() == null ? null : t.concurrency().max(),
                    t.fairness() == null ? null : t.fairness().key(),
                    t.fairness() == null ? null : t.fairness().weight(), t.rate() == null ? null : t.rate().key(),
                    t.rate() == null ? null : t.rate().perSecond(), t.rate() == null ? null : t.rate().burst());
        }
    }

    // @formatter:off
    @Schema(name = "TaskExplanation", description = "Why a task is not running", requiredProperties = { "task_id", "status", "reasons", "waiting_for" })
    public record ExplanationResponse(
            UUID taskId,
            String status,
            @Schema(description = "Every reason that holds, the deciding one first; for a task that runs or has ended, one saying so") List<ReasonResponse> reasons,
            @Schema(description = "For a pending task: the bots that could take it and their room") CapacityResponse capacity,
            @Schema(description = "For a pending task: ready tasks before it in claim order that its bots could take instead") Long ahead,
            @Schema(description = "For a waiting workflow step: the steps it waits for that have not ended") List<String> waitingFor,
            @Schema(description = "For a pending task with a concurrency key: the tasks of its key that bots hold (at most its limit)") List<UUID> keyHolders,
            @Schema(description = "For a pending task whose rate limit key has dispatched as many tasks as its rate allows: when the next may go") Instant rateLimitedUntil) {
        // @formatter:on

        public static ExplanationResponse of(Explanation e) {
            return new ExplanationResponse(e.task().id().value(), e.task().status().wire(),
                    e.reasons().stream().map(r -> new ReasonResponse(r.code(), r.message())).toList(),
                    e.capacity() == null
                            ? null
                            : new CapacityResponse(e.capacity().registered(), e.capacity().available(),
                                    e.capacity().slots(), e.capacity().held(), e.capacity().free()),
                    e.ahead(), e.waitingFor(), e.keyHolders().stream().map(TaskId::value).toList(),
                    e.rateLimitedUntil());
        }
    }

    // @formatter:off
    @Schema(name = "TaskExplanationReason", requiredProperties = { "code", "message" })
    public record ReasonResponse(
            @Schema(description = "running, assigned, ended, waiting_for_steps, delayed, no_bot_registered, no_bot_connected, all_busy, behind_other_tasks, about_to_be_dispatched, awaiting_decision (an approval step), paused (its type is paused), key_paused (its concurrency key is paused), at_concurrency_limit (its concurrency key's tasks fill its limit, its own or its key policy's) or rate_limited (its rate limit key's bucket is empty until rate_limited_until)") String code,
            String message) {
    }

    @Schema(name = "TaskCapacity", requiredProperties = { "registered", "connected", "slots", "slots_used", "slots_free" })
    public record CapacityResponse(
            @Schema(description = "Bots with the task's type as a capability (every bot for a task without a type)") long registered,
            @Schema(description = "Those online or busy") long connected,
            @Schema(description = "Their slots") long slots,
            @Schema(description = "Tasks they hold") long slotsUsed,
            long slotsFree) {
    }

    // @formatter:off
    @Schema(name = "TaskProgress", description = "What a bot last said of how far it is (task_progress)", requiredProperties = { "data", "attempt", "reported_at" })
    public record ProgressResponse(
            @Schema(description = "The share done, 0 to 100, when the bot gave one", minimum = "0", maximum = "100") Double percent,
            @Schema(description = "The bot's message, when it gave one") String message,
            @Schema(description = "The progress object as the bot sent it") Map<String, Object> data,
            @Schema(description = "The attempt it is about") int attempt,
            @Schema(description = "When the coordinator took it") Instant reportedAt) {
        // @formatter:on

        public static ProgressResponse of(TaskProgress p) {
            return p == null
                    ? null
                    : new ProgressResponse(p.percent(), p.message(), p.data(), p.attempt(), p.reportedAt());
        }
    }

    @Schema(name = "TaskEvent", description = "One entry of a task's history", requiredProperties = { "to_status",
            "attempt", "actor", "cause", "occurred_at" })
    public record TaskEventResponse(
            @Schema(description = "Absent for the creation") String fromStatus,
            String toStatus,
            int attempt,
            @Schema(description = "api, system or bot:<id>") String actor,
            @Schema(description = "Short stable code: created, assigned, started, completed, failed, retry_scheduled, ack_timeout, lease_expired, execution_timeout, schedule_to_start_timeout, redriven, handed_back, ready, cancelled") String cause,
            String reason,
            Instant occurredAt) {

        public static TaskEventResponse of(TaskTransitioned e) {
            return new TaskEventResponse(e.from() == null ? null : e.from().wire(), e.to().wire(), e.attempt(),
                    e.actor().value(), e.cause(), e.reason(), e.occurredAt());
        }
    }
}
