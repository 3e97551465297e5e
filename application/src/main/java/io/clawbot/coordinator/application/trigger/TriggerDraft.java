package io.clawbot.coordinator.application.trigger;

import io.clawbot.coordinator.domain.trigger.TriggerMatch;
import io.clawbot.coordinator.domain.trigger.TriggerSource;
import io.clawbot.coordinator.domain.trigger.TriggerTarget;
import java.util.Map;

/**
 * A trigger as a client describes it.
 *
 * @param secret the signing secret; on creation {@code null} generates one (not for Slack, whose secret Slack
 *        issues); on replacement it is ignored (rotate it instead)
 * @param botToken a Slack bot token for replies; on replacement {@code null} keeps the stored one and {@code ""}
 *        removes it
 */
public record TriggerDraft(String name, String description, TriggerSource source, Boolean enabled,
        TriggerMatch match, TriggerTarget target, Map<String, Object> template, Boolean reply, String appUserId,
        Integer maxRequests, Integer windowSeconds, String secret, String botToken) {
}
