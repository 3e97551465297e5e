package io.clawbot.coordinator.domain.trigger;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Stored configuration that turns signed events from one sender into work: its source, which events it takes
 * ({@link TriggerMatch}), and what it makes of one ({@link TriggerTarget} and a template that may refer to the
 * event). Its secrets are kept apart ({@link TriggerSecrets}) and never leave the service.
 *
 * @param reply post the work's result back where the event came from (Slack: the slash command's
 *        {@code response_url}, or the event's channel and thread with the bot token)
 * @param appUserId the Slack app's own user id, whose messages start nothing (Slack sources)
 * @param maxRequests with {@code windowSeconds}: how many deliveries the trigger takes per window; {@code null}s
 *        mean the service's defaults
 * @param secretSetAt when the current secret was set
 * @param previousSecretUntil until when the secret before it is still accepted; {@code null}: it is not
 * @param hasBotToken whether a Slack bot token is stored for replies
 */
public record Trigger(String name, String description, TriggerSource source, boolean enabled, TriggerMatch match,
        TriggerTarget target, Map<String, Object> template, boolean reply, String appUserId, Integer maxRequests,
        Integer windowSeconds, Instant secretSetAt, Instant previousSecretUntil, boolean hasBotToken,
        Instant createdAt, Instant updatedAt, long version) {

    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    public static final int MAX_DESCRIPTION = 1000;
    public static final int MAX_REQUESTS = 100_000;
    public static final int MAX_WINDOW_SECONDS = 86_400;

    public Trigger {
        checkName(name);
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw new ValidationException("description", "must be at most " + MAX_DESCRIPTION + " characters");
        }
        Objects.requireNonNull(source, "source");
        match = match == null ? TriggerMatch.any() : match;
        Objects.requireNonNull(target, "target");
        template = template == null ? Map.of() : template;
        if (reply && source != TriggerSource.SLACK) {
            throw new ValidationException("reply", "results are posted back only to Slack");
        }
        if (appUserId != null && (appUserId.isBlank() || appUserId.length() > 64)) {
            throw new ValidationException("slack_app_user_id", "must be 1-64 characters");
        }
        if ((maxRequests == null) != (windowSeconds == null)) {
            throw new ValidationException("rate_limit", "give both max_requests and window_seconds, or neither");
        }
        if (maxRequests != null && (maxRequests < 1 || maxRequests > MAX_REQUESTS)) {
            throw new ValidationException("rate_limit.max_requests", "must be between 1 and " + MAX_REQUESTS);
        }
        if (windowSeconds != null && (windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS)) {
            throw new ValidationException("rate_limit.window_seconds", "must be between 1 and " + MAX_WINDOW_SECONDS);
        }
    }

    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ValidationException("name",
                    "must be 1-63 characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
        }
        return name;
    }

    /** The same configuration with the store's bookkeeping. */
    public Trigger stored(Instant secretSetAt, Instant previousSecretUntil, boolean hasBotToken, Instant createdAt,
            Instant updatedAt, long version) {
        return new Trigger(name, description, source, enabled, match, target, template, reply, appUserId,
                maxRequests, windowSeconds, secretSetAt, previousSecretUntil, hasBotToken, createdAt, updatedAt,
                version);
    }
}
