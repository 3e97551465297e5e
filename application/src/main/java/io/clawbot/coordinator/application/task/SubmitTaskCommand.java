package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.util.Objects;

/**
 * Submits one standalone task.
 *
 * @param idempotencyKey optional; makes the submission safe to repeat
 */
public record SubmitTaskCommand(TaskSpec spec, IdempotencyKey idempotencyKey) {

    public SubmitTaskCommand {
        Objects.requireNonNull(spec, "spec");
    }
}
