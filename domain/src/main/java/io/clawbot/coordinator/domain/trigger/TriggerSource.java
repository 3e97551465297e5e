package io.clawbot.coordinator.domain.trigger;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.Arrays;
import java.util.Locale;

/** Who sends a trigger's events, which says how they are signed and how their bodies read. */
public enum TriggerSource {
    /**
     * A Slack app: v0 request signing ({@code X-Slack-Signature}, {@code X-Slack-Request-Timestamp}); Events API
     * callbacks, slash commands and interactive payloads.
     */
    SLACK,
    /** GitHub and any sender that signs like it: {@code X-Hub-Signature-256: sha256=<hex>} over the body. */
    GITHUB,
    /** Standard Webhooks: {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}. */
    STANDARD_WEBHOOKS;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TriggerSource fromWire(String field, String value) {
        for (TriggerSource s : values()) {
            if (s.wire().equals(value)) {
                return s;
            }
        }
        throw new ValidationException(field,
                "must be one of " + String.join(", ", Arrays.stream(values()).map(TriggerSource::wire).toList()));
    }
}
