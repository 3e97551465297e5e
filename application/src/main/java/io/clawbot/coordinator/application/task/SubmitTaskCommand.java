package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.util.Objects;

/**
 * Submits one standalone task.
 *
 * @param idempotencyKey optional; makes the submission safe to repeat
 * @param creator the client submitting it; {@code null} when the service does (a schedule)
 * @param concurrency the limit of its concurrency key, its placeholders resolved; {@code null} for none
 * @param fairness its fairness key and weight, its placeholders resolved; {@code null} for its type's default key
 * @param rate the rate limit of its rate limit key, its placeholders resolved; {@code null} for none
 */
public record SubmitTaskCommand(TaskSpec spec, IdempotencyKey idempotencyKey, Principal.Client creator,
        boolean priorityGiven, boolean timeoutGiven, ConcurrencyLimit concurrency, FairShare fairness,
        RateLimit rate) {

    public SubmitTaskCommand {
        Objects.requireNonNull(spec, "spec");
    }

    /** A submission without a rate limit key. */
    public SubmitTaskCommand(TaskSpec spec, IdempotencyKey idempotencyKey, Principal.Client creator,
            boolean priorityGiven, boolean timeoutGiven, ConcurrencyLimit concurrency, FairShare fairness) {
        this(spec, idempotencyKey, creator, priorityGiven, timeoutGiven, concurrency, fairness, null);
    }

    /** A submission without a concurrency key or a fairness key. */
    public SubmitTaskCommand(TaskSpec spec, IdempotencyKey idempotencyKey, Principal.Client creator,
            boolean priorityGiven, boolean timeoutGiven) {
        this(spec, idempotencyKey, creator, priorityGiven, timeoutGiven, null, null);
    }

    /** A submission whose priority and timeout were chosen: a task type's defaults do not replace them. */
    public SubmitTaskCommand(TaskSpec spec, IdempotencyKey idempotencyKey, Principal.Client creator) {
        this(spec, idempotencyKey, creator, true, true);
    }

    public SubmitTaskCommand(TaskSpec spec, IdempotencyKey idempotencyKey) {
        this(spec, idempotencyKey, null);
    }
}
