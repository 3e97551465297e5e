package io.clawbot.coordinator.application.trigger;

import io.clawbot.coordinator.domain.trigger.DeliveryOutcome;
import java.util.UUID;

/**
 * What a hook answers its sender.
 *
 * @param status the HTTP status: 200 for every delivery the sender should not repeat, 401 for a bad signature,
 *        400 for a body that cannot be read, 422 when the trigger's work is refused, 429 over the rate limit
 * @param problem for a refusal, the problem type's last segment; {@code null} otherwise
 * @param message a line for a person (Slack shows it to whoever typed a slash command)
 * @param challenge Slack's {@code url_verification} challenge, answered as it came
 */
public record HookAnswer(int status, DeliveryOutcome outcome, UUID delivery, String workKind, UUID workId,
        String message, String challenge, String problem, long retryAfterSeconds) {

    static HookAnswer ok(DeliveryOutcome outcome, UUID delivery, String message) {
        return new HookAnswer(200, outcome, delivery, null, null, message, null, null, 0);
    }

    static HookAnswer refused(int status, String problem, UUID delivery, String message, long retryAfter) {
        return new HookAnswer(status, DeliveryOutcome.REJECTED, delivery, null, null, message, null, problem,
                retryAfter);
    }
}
