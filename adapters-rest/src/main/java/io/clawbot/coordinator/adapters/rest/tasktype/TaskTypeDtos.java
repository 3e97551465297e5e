package io.clawbot.coordinator.adapters.rest.tasktype;

import io.clawbot.coordinator.adapters.rest.task.TaskDtos.RetryRequest;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.tasktype.KeyDefaults;
import io.clawbot.coordinator.domain.tasktype.TaskType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the task type registry. */
public final class TaskTypeDtos {

    private TaskTypeDtos() {
    }

    // @formatter:off
    @Schema(name = "TaskTypeRequest", description = "A task type's definition; the name comes from the path on PUT")
    public record TaskTypeRequest(
            @Schema(description = "The type's name, as tasks and bots' capabilities give it (POST only)", example = "build", pattern = Names.TOKEN_PATTERN) String name,
            @Schema(description = "What tasks of this type do", maxLength = TaskType.MAX_DESCRIPTION_LENGTH) String description,
            @Schema(description = "A JSON Schema (2020-12) every payload of this type must satisfy; self-contained ($ref within it only); absent: any object") Map<String, Object> payloadSchema,
            @Schema(description = "A JSON Schema (2020-12) describing results, for clients; not enforced") Map<String, Object> resultSchema,
            @Schema(description = "The priority of its tasks when a request gives none", minimum = "" + TaskSpec.MIN_PRIORITY, maximum = "" + TaskSpec.MAX_PRIORITY) Integer priority,
            @Schema(description = "The timeout of its tasks when a request gives none, in seconds", minimum = "" + TaskSpec.MIN_TIMEOUT_SECONDS, maximum = "" + TaskSpec.MAX_TIMEOUT_SECONDS) Integer timeoutSeconds,
            @Schema(description = "Retry choices of its tasks over the service's defaults; a request's own retry fields win") RetryRequest retry,
            @Schema(description = "The concurrency key of its tasks when a request states none, with max_concurrency; ${payload.<field>} takes a field of each task's payload", example = "customer:${payload.customer_id}", maxLength = ConcurrencyLimit.MAX_KEY_LENGTH) String concurrencyKey,
            @Schema(description = "With concurrency_key: how many of a key's tasks bots may hold at once", minimum = "" + ConcurrencyLimit.MIN_MAX, maximum = "" + ConcurrencyLimit.MAX_MAX) Integer maxConcurrency,
            @Schema(description = "The fairness key of its tasks when a request states none; ${payload.<field>} takes a field of each task's payload", example = "tenant:${payload.tenant_id}", maxLength = FairShare.MAX_KEY_LENGTH) String fairnessKey,
            @Schema(description = "With fairness_key: its weight (1 when not given)", minimum = "" + FairShare.MIN_WEIGHT, maximum = "" + FairShare.MAX_WEIGHT) Integer fairnessWeight,
            @Schema(description = "The rate limit key of its tasks when a request states none, with rate_per_second; ${payload.<field>} takes a field of each task's payload", example = "api:${payload.account}", maxLength = RateLimit.MAX_KEY_LENGTH) String rateLimitKey,
            @Schema(description = "With rate_limit_key: how many of a key's tasks may be dispatched per second", minimum = "0.001", maximum = "100000") Double ratePerSecond,
            @Schema(description = "With rate_limit_key: how many may go at once after a quiet spell (a second's worth when not given)", minimum = "" + RateLimit.MIN_BURST, maximum = "" + RateLimit.MAX_BURST) Integer rateBurst) {
        // @formatter:on

        TaskType draft(String typeName) {
            Instant epoch = Instant.EPOCH;
            return new TaskType(typeName, description, payloadSchema, resultSchema, priority, timeoutSeconds,
                    retry == null ? null : retry.toOverrides(),
                    KeyDefaults.of(concurrencyKey, maxConcurrency, fairnessKey, fairnessWeight, rateLimitKey,
                            ratePerSecond, rateBurst),
                    epoch, epoch, 0);
        }
    }

    // @formatter:off
    @Schema(name = "TaskType", requiredProperties = { "name", "created_at", "updated_at", "version" })
    public record TaskTypeResponse(
            String name,
            String description,
            Map<String, Object> payloadSchema,
            Map<String, Object> resultSchema,
            Integer priority,
            Integer timeoutSeconds,
            @Schema(description = "The retry choices it sets; fields it leaves out come from the service's defaults") RetryChoices retry,
            Instant createdAt,
            Instant updatedAt,
            @Schema(description = "Increases with every replacement") long version,
            @Schema(description = "The concurrency key its tasks get when a request states none, as a template") String concurrencyKey,
            Integer maxConcurrency,
            @Schema(description = "The fairness key its tasks get when a request states none, as a template") String fairnessKey,
            Integer fairnessWeight,
            @Schema(description = "The rate limit key its tasks get when a request states none, as a template") String rateLimitKey,
            Double ratePerSecond,
            Integer rateBurst) {
        // @formatter:on

        public static TaskTypeResponse of(TaskType t) {
            RetryPolicy.Overrides r = t.retry();
            KeyDefaults k = t.keys();
            return new TaskTypeResponse(t.name(), t.description(), t.payloadSchema(), t.resultSchema(), t.priority(),
                    t.timeoutSeconds(), r == null
                            ? null
                            : new RetryChoices(r.maxAttempts(), r.backoffSeconds(), r.multiplier(),
                                    r.maxBackoffSeconds(), r.jitter(), r.nonRetryableErrors()),
                    t.createdAt(), t.updatedAt(), t.version(), k == null ? null : k.concurrencyKey(),
                    k == null ? null : k.maxConcurrency(), k == null ? null : k.fairnessKey(),
                    k == null ? null : k.fairnessWeight(), k == null ? null : k.rateLimitKey(),
                    k == null ? null : k.ratePerSecond(), k == null ? null : k.rateBurst());
        }
    }

    @Schema(name = "TaskTypeRetry", description = "Retry choices of a task type; each may be null (the service's default)")
    public record RetryChoices(Integer maxAttempts, Double backoffSeconds, Double backoffMultiplier,
            Double maxBackoffSeconds, Double jitter, List<String> nonRetryableErrors) {
    }
}
