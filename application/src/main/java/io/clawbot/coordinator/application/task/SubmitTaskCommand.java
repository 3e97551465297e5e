package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.util.Objects;

/**
 * Submits one standalone task.
 *
 * @param idempotencyKey optional; makes the submission safe to repeat
 * @param creator the client submitting it; {@code null} when the service does (a schedule)
 */
public record SubmitTaskCommand(TaskSpec spec, IdempotencyKey idempotencyKey, Principal.Client creator) {

    public SubmitTaskCommand {
        Objects.requireNonNull(spec, "spec");
    }

    public SubmitTaskCommand(TaskSpec spec, IdempotencyKey idempotencyKey) {
        this(spec, idempotencyKey, null);
    }
}
