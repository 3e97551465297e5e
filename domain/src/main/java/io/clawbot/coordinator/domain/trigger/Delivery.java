package io.clawbot.coordinator.domain.trigger;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One request to a trigger's hook, as recorded.
 *
 * @param event the event as read ({@link HookEvent#values()}); empty when the request was refused before reading
 * @param workKind {@code task} or {@code workflow}, once the work exists
 * @param reply where the result goes back, or {@code null}
 * @param replyState {@code none}, {@code waiting} (for the work to end), {@code sent} or {@code failed}
 */
public record Delivery(UUID id, String trigger, Instant receivedAt, DeliveryOutcome outcome, String reason,
        String eventId, String eventType, Map<String, Object> event, String workKind, UUID workId, Reply reply,
        String replyState, int replyAttempts, String replyError) {

    /**
     * Where a result is posted: a Slack {@code response_url}, or a channel (and thread) with the trigger's bot
     * token.
     */
    public record Reply(String url, String channel, String threadTs) {
    }
}
