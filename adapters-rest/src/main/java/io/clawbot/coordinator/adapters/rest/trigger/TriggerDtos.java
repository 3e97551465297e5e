package io.clawbot.coordinator.adapters.rest.trigger;

import io.clawbot.coordinator.application.trigger.TriggerDraft;
import io.clawbot.coordinator.application.trigger.Triggers;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.trigger.Delivery;
import io.clawbot.coordinator.domain.trigger.Trigger;
import io.clawbot.coordinator.domain.trigger.TriggerMatch;
import io.clawbot.coordinator.domain.trigger.TriggerSecrets;
import io.clawbot.coordinator.domain.trigger.TriggerSource;
import io.clawbot.coordinator.domain.trigger.TriggerTarget;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the trigger API (snake_case). */
public final class TriggerDtos {

    private TriggerDtos() {
    }

    // @formatter:off
    @Schema(name = "TriggerMatch", description = "Which events start work: each list that is not empty must hold the event's value, and the pattern must be found in its text. Empty: every event.")
    public record MatchDto(
            @Schema(description = "Event types: a Slack event type (app_mention, message), slash_command, an interaction type (block_actions), GitHub's X-GitHub-Event (push), a Standard Webhooks body's type", maxItems = TriggerMatch.MAX_ITEMS, example = "[\"app_mention\"]") List<String> eventTypes,
            @Schema(description = "Slack slash commands", maxItems = TriggerMatch.MAX_ITEMS, example = "[\"/deploy\"]") List<String> commands,
            @Schema(description = "Slack channel ids, or GitHub repositories' full names", maxItems = TriggerMatch.MAX_ITEMS, example = "[\"C0123456789\"]") List<String> channels,
            @Schema(description = "A Java regular expression searched for in the event's text (its first 4000 characters)", maxLength = TriggerMatch.MAX_PATTERN, example = "^deploy ") String textPattern,
            @Schema(description = "A CEL condition over event (the fields templates see), checked when the trigger is saved", maxLength = Conditions.MAX_LENGTH, example = "event.user != 'U0INTERN1' && size(event.text) < 200") String condition) {
        // @formatter:on

        TriggerMatch toMatch() {
            return new TriggerMatch(eventTypes, commands, channels, textPattern, condition);
        }

        static MatchDto of(TriggerMatch m) {
            return new MatchDto(m.eventTypes(), m.commands(), m.channels(), m.textPattern(), m.condition());
        }
    }

    // @formatter:off
    @Schema(name = "TriggerRateLimit", description = "How many deliveries the trigger takes per window; over it, 429")
    public record RateLimitDto(
            @Schema(required = true, minimum = "1", maximum = "" + Trigger.MAX_REQUESTS, example = "10") Integer maxRequests,
            @Schema(required = true, minimum = "1", maximum = "" + Trigger.MAX_WINDOW_SECONDS, example = "60") Integer windowSeconds) {
        // @formatter:on
    }

    // @formatter:off
    @Schema(name = "TriggerRequest", description = "A trigger's whole configuration, to create it or to replace it")
    public record TriggerRequest(
            @Schema(required = true, description = "Unique; the hook is /api/v1/hooks/{name} (/api/v1/hooks/slack/{name} for Slack)", example = "deploy-bot", pattern = "^[a-z0-9][a-z0-9_-]{0,62}$") String name,
            @Schema(description = "Free text", maxLength = Trigger.MAX_DESCRIPTION) String description,
            @Schema(required = true, description = "Who signs the deliveries, and how") String source,
            @Schema(description = "A disabled trigger answers its sender and records the delivery, but starts nothing", defaultValue = "true") Boolean enabled,
            @Schema(description = "Which events start work; absent: every event") MatchDto match,
            @Schema(required = true, description = "What an event makes: a task, a workflow, or a run of a stored workflow definition") String target,
            @Schema(required = true, description = "For a task, the body of POST /api/v1/tasks; for a workflow, of POST /api/v1/workflows; for a definition, {name, version, input, metadata}. Strings may take values from the event: ${event.text}, ${event.user}, ${event.channel}, ${event.command}, ${event.type}, ${event.id}, ${event.team}, ${event.thread_ts}, ${event.payload.<path>}") Map<String, Object> template,
            @Schema(description = "Slack only: post the result back when the work ends, to the slash command's response_url or to the event's channel and thread (needs slack_bot_token)", defaultValue = "false") Boolean reply,
            @Schema(description = "Slack only: the app's own user id; its messages start nothing (messages with a bot_id or the bot_message subtype never do)", example = "U0APPUSER1") String slackAppUserId,
            @Schema(description = "Absent: the service's default (RATE_LIMIT_MAX_REQUESTS per RATE_LIMIT_WINDOW_SECONDS, 10 per 60 s)") RateLimitDto rateLimit,
            @Schema(description = "Write-only. The signing secret: Slack's signing secret (required for Slack), a GitHub webhook's secret, or a Standard Webhooks whsec_ secret. Absent on creation (not Slack): one is generated and answered once. Ignored on replacement: rotate it instead", writeOnly = true, minLength = TriggerSecrets.MIN_SECRET, maxLength = TriggerSecrets.MAX_SECRET) String secret,
            @Schema(description = "Write-only. A Slack bot token (xoxb-...) for chat.postMessage replies. On replacement: absent keeps the stored one, \"\" removes it", writeOnly = true, maxLength = Triggers.MAX_BOT_TOKEN) String slackBotToken) {
        // @formatter:on

        @Schema(hidden = true)
        public TriggerDraft draft() {
            return new TriggerDraft(name, description, source == null ? null : TriggerSource.fromWire("source", source),
                    enabled, match == null ? null : match.toMatch(),
                    target == null ? null : TriggerTarget.fromWire("target", target), template, reply, slackAppUserId,
                    rateLimit == null ? null : required(rateLimit.maxRequests(), "rate_limit.max_requests"),
                    rateLimit == null ? null : required(rateLimit.windowSeconds(), "rate_limit.window_seconds"),
                    secret, slackBotToken);
        }

        private static Integer required(Integer value, String field) {
            if (value == null) {
                throw new ValidationException(field, "is required");
            }
            return value;
        }
    }

    // @formatter:off
    @Schema(name = "Trigger", requiredProperties = { "name", "source", "enabled", "match", "target", "template", "reply", "rate_limit", "hook_path", "has_slack_bot_token", "secret_set_at", "created_at", "updated_at", "version" })
    public record TriggerResponse(
            String name,
            String description,
            String source,
            boolean enabled,
            MatchDto match,
            String target,
            Map<String, Object> template,
            boolean reply,
            String slackAppUserId,
            @Schema(description = "The trigger's own limit, or the service's default") RateLimitDto rateLimit,
            @Schema(description = "Where the sender posts", example = "/api/v1/hooks/slack/deploy-bot") String hookPath,
            boolean hasSlackBotToken,
            Instant secretSetAt,
            @Schema(description = "Until when the secret before the current one is still accepted; null when it is not") Instant previousSecretValidUntil,
            Instant createdAt,
            Instant updatedAt,
            long version) {
        // @formatter:on

        static TriggerResponse of(Trigger t, RateLimitDto defaults) {
            RateLimitDto limit = t.maxRequests() == null
                    ? defaults
                    : new RateLimitDto(t.maxRequests(), t.windowSeconds());
            String path = t.source() == TriggerSource.SLACK
                    ? "/api/v1/hooks/slack/" + t.name()
                    : "/api/v1/hooks/" + t.name();
            return new TriggerResponse(t.name(), t.description(), t.source().wire(), t.enabled(),
                    MatchDto.of(t.match()), t.target().wire(), t.template(), t.reply(), t.appUserId(), limit, path,
                    t.hasBotToken(), t.secretSetAt(), t.previousSecretUntil(), t.createdAt(), t.updatedAt(),
                    t.version());
        }
    }

    // @formatter:off
    @Schema(name = "TriggerWithSecret", requiredProperties = { "trigger" })
    public record TriggerWithSecret(
            TriggerResponse trigger,
            @Schema(description = "The generated signing secret, shown this once; null when the client gave it") String secret) {
        // @formatter:on
    }

    // @formatter:off
    @Schema(name = "RotateTriggerSecretRequest")
    public record RotateRequest(
            @Schema(description = "The new secret; absent generates one (not for Slack, whose secret Slack issues)", writeOnly = true, minLength = TriggerSecrets.MIN_SECRET, maxLength = TriggerSecrets.MAX_SECRET) String secret,
            @Schema(description = "How long the replaced secret stays valid, so the sender can be switched over without losing a delivery; 0 ends it at once", defaultValue = "3600", minimum = "0", maximum = "604800") Integer overlapSeconds) {
        // @formatter:on
    }

    // @formatter:off
    @Schema(name = "TriggerDelivery", requiredProperties = { "id", "received_at", "outcome", "event", "reply_state", "reply_attempts" })
    public record DeliveryResponse(
            UUID id,
            Instant receivedAt,
            @Schema(description = "received: stored, its work being created; accepted: its work exists; duplicate: a repeat of an event already received; filtered: starts nothing (a bot's message, no match, trigger disabled); rejected: refused") String outcome,
            @Schema(description = "Why it was not accepted") String reason,
            @Schema(description = "The sender's event id (Slack event_id or trigger_id, X-GitHub-Delivery, webhook-id)") String eventId,
            String eventType,
            @Schema(description = "The event as templates see it ({id, type, text, user, channel, command, team, thread_ts, payload}); empty when refused before it was read") Map<String, Object> event,
            @Schema(description = "The task it created") UUID taskId,
            @Schema(description = "The workflow it created") UUID workflowId,
            @Schema(description = "none, waiting (for the work to end), sent, failed") String replyState,
            int replyAttempts,
            String replyError) {
        // @formatter:on

        static DeliveryResponse of(Delivery d) {
            return new DeliveryResponse(d.id(), d.receivedAt(), d.outcome().wire(), d.reason(), d.eventId(),
                    d.eventType(), d.event(), "task".equals(d.workKind()) ? d.workId() : null,
                    "workflow".equals(d.workKind()) ? d.workId() : null, d.replyState(), d.replyAttempts(),
                    d.replyError());
        }
    }
}
