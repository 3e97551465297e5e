package io.clawbot.coordinator.application.trigger;

import io.clawbot.coordinator.domain.common.DomainException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.common.port.RateLimiter;
import io.clawbot.coordinator.domain.trigger.Delivery;
import io.clawbot.coordinator.domain.trigger.DeliveryOutcome;
import io.clawbot.coordinator.domain.trigger.HookEvent;
import io.clawbot.coordinator.domain.trigger.HookEvents;
import io.clawbot.coordinator.domain.trigger.HookSignatures;
import io.clawbot.coordinator.domain.trigger.Trigger;
import io.clawbot.coordinator.domain.trigger.TriggerSource;
import io.clawbot.coordinator.domain.trigger.port.DeliveryStore;
import io.clawbot.coordinator.domain.trigger.port.JsonBodies;
import io.clawbot.coordinator.domain.trigger.port.TriggerStore;
import io.smallrye.mutiny.Uni;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A signed delivery to a trigger's hook, from the raw bytes to stored work. In order: the trigger is looked up;
 * the signature is checked on the raw body (nothing is parsed before); the body is read; Slack's
 * {@code url_verification} is answered; a disabled trigger, a bot's own message or an event the match does not take
 * is filtered; a repeat of an event already received is a duplicate; the trigger's rate limit is taken; the event
 * is stored, once per sender's event id even when repeats race; then its work is created. Every delivery of a known trigger is recorded with its outcome. The answer goes back as soon as the work
 * exists: it runs later.
 */
public final class ReceiveHook {

    private final TriggerStore triggers;
    private final DeliveryStore deliveries;
    private final TriggerWork work;
    private final RateLimiter limiter;
    private final JsonBodies json;
    private final IdSource ids;
    private final InstantSource clock;
    private final Defaults defaults;
    private final Conditions conditions;

    /**
     * The service's settings for hooks.
     *
     * @param maxRequests with {@code windowSeconds}: a trigger's rate limit unless it sets its own
     * @param responseUrlHosts the hosts a Slack {@code response_url} may point to; a reply elsewhere is not sent
     */
    public record Defaults(int maxRequests, int windowSeconds, Set<String> responseUrlHosts) {
    }

    public ReceiveHook(TriggerStore triggers, DeliveryStore deliveries, TriggerWork work, RateLimiter limiter,
            JsonBodies json, IdSource ids, InstantSource clock, Defaults defaults, Conditions conditions) {
        this.conditions = conditions;
        this.triggers = triggers;
        this.deliveries = deliveries;
        this.work = work;
        this.limiter = limiter;
        this.json = json;
        this.ids = ids;
        this.clock = clock;
        this.defaults = defaults;
    }

    public Uni<HookAnswer> receive(HookRequest request) {
        Trigger.checkName(request.trigger());
        return triggers.findWithSecrets(request.trigger()).flatMap(found -> {
            if (found == null) {
                throw Triggers.unknown(request.trigger());
            }
            Trigger trigger = found.trigger();
            if ((trigger.source() == TriggerSource.SLACK) != request.slack()) {
                throw NotFoundException.described("trigger", trigger.source() == TriggerSource.SLACK
                        ? "Trigger '" + trigger.name() + "' takes Slack requests at /api/v1/hooks/slack/"
                                + trigger.name()
                        : "Trigger '" + trigger.name() + "' is not a Slack trigger: its hook is /api/v1/hooks/"
                                + trigger.name());
            }
            Instant now = clock.instant();
            HookSignatures.Refusal refusal = verify(trigger.source(), found.secrets().valid(now), request, now);
            if (refusal != null) {
                return reject(trigger, null, 401, "hook-signature-invalid", "Signature refused: " + refusal.detail());
            }
            HookEvent event;
            try {
                event = read(trigger, request);
            } catch (ValidationException e) {
                return reject(trigger, null, 400, "validation", "The body cannot be read: " + e.getMessage());
            }
            return handle(trigger, event, request);
        });
    }

    private Uni<HookAnswer> handle(Trigger trigger, HookEvent event, HookRequest request) {
        if ("url_verification".equals(event.kind())) {
            return filter(trigger, event, "url_verification challenge answered")
                    .map(answer -> new HookAnswer(200, answer.outcome(), answer.delivery(), null, null,
                            answer.message(), event.challenge() == null ? "" : event.challenge(), null, 0));
        }
        if (!trigger.enabled()) {
            return filter(trigger, event, "the trigger is disabled");
        }
        if (event.fromBot()) {
            return filter(trigger, event, "from a bot: " + event.botReason());
        }
        String mismatch = trigger.match().refusal(event);
        if (mismatch == null && trigger.match().condition() != null) {
            Conditions.Outcome outcome = conditions.evaluate(trigger.match().condition(),
                    Map.of("event", event.values()));
            if (!outcome.value()) {
                mismatch = outcome.error() == null
                        ? "the condition is false"
                        : "the condition cannot be evaluated (" + outcome.error() + ")";
            }
        }
        if (mismatch != null) {
            return filter(trigger, event, "no match: " + mismatch);
        }
        // A sender's repeat is answered as one without costing the trigger's budget; repeats that race all pass
        // here, and the store lets one of them in.
        Uni<UUID> earlier = event.id() == null
                ? Uni.createFrom().nullItem()
                : deliveries.holder(trigger.name(), event.id());
        return earlier.flatMap(first -> first != null
                ? duplicate(trigger, event, request, first)
                : limited(trigger, event, request));
    }

    private Uni<HookAnswer> limited(Trigger trigger, HookEvent event, HookRequest request) {
        int max = trigger.maxRequests() == null ? defaults.maxRequests() : trigger.maxRequests();
        int window = trigger.windowSeconds() == null ? defaults.windowSeconds() : trigger.windowSeconds();
        RateLimiter.Limit limit = new RateLimiter.Limit(max, (double) max / window);
        return limiter.tryAcquire("trigger:" + trigger.name(), limit).flatMap(decision -> {
            if (!decision.allowed()) {
                long seconds = Math.max(1, (decision.retryAfter().toMillis() + 999) / 1000);
                return record(trigger, event, DeliveryOutcome.REJECTED,
                        "rate limited: at most " + max + " deliveries per " + window + " s").map(
                                id -> HookAnswer
                                        .refused(429, "rate-limited", id,
                                                "Trigger '" + trigger.name() + "' takes at most "
                                                        + max + " deliveries per " + window + " s; retry after "
                                                        + seconds + " s",
                                                seconds));
            }
            return store(trigger, event, request);
        });
    }

    private Uni<HookAnswer> duplicate(Trigger trigger, HookEvent event, HookRequest request, UUID first) {
        String retry = request.header("x-slack-retry-num");
        String reason = "a repeat of delivery " + first + " (event " + event.id() + ")"
                + (retry == null ? "" : "; Slack retry " + retry);
        return record(trigger, event, DeliveryOutcome.DUPLICATE, reason)
                .map(dup -> HookAnswer.ok(DeliveryOutcome.DUPLICATE, dup, "Already received"));
    }

    private Uni<HookAnswer> store(Trigger trigger, HookEvent event, HookRequest request) {
        UUID id = ids.next();
        Delivery.Reply reply = trigger.reply() ? reply(trigger, event) : null;
        Delivery received = new Delivery(id, trigger.name(), clock.instant(), DeliveryOutcome.RECEIVED, null,
                event.id(), event.type(), event.values(), null, null, reply, reply == null ? "none" : "waiting", 0,
                null);
        return deliveries.receive(received).flatMap(first -> {
            if (first != null) {
                return duplicate(trigger, event, request, first);
            }
            return work.create(trigger, id, event.values())
                    .call(made -> deliveries.accepted(id, made.kind(), made.id()))
                    .map(made -> new HookAnswer(200, DeliveryOutcome.ACCEPTED, id, made.kind(), made.id(),
                            "Accepted: " + made.kind() + " " + made.id(), null, null, 0))
                    .onFailure(DomainException.class).recoverWithUni(failure -> {
                        String reason = "the work was refused: " + failure.getMessage();
                        return deliveries.refused(id, reason).map(ignored -> trigger.source() == TriggerSource.SLACK
                                // Slack repeats a failed delivery; this one would fail again. Whoever typed the
                                // command reads why.
                                ? new HookAnswer(200, DeliveryOutcome.REJECTED, id, null, null,
                                        "Could not start: " + failure.getMessage(), null, null, 0)
                                : HookAnswer.refused(422, "trigger-work-refused", id, reason, 0));
                    });
        });
    }

    /** Where a result goes back: a response URL on an allowed host, else the event's channel (with a bot token). */
    private Delivery.Reply reply(Trigger trigger, HookEvent event) {
        if (event.responseUrl() != null) {
            return allowedHost(event.responseUrl()) ? new Delivery.Reply(event.responseUrl(), null, null) : null;
        }
        if (event.channel() != null && trigger.hasBotToken()) {
            return new Delivery.Reply(null, event.channel(), event.threadTs());
        }
        return null;
    }

    private boolean allowedHost(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getHost() != null && defaults.responseUrlHosts().contains(uri.getHost())
                    && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Uni<HookAnswer> filter(Trigger trigger, HookEvent event, String reason) {
        return record(trigger, event, DeliveryOutcome.FILTERED, reason)
                .map(id -> HookAnswer.ok(DeliveryOutcome.FILTERED, id, "Nothing to do: " + reason));
    }

    private Uni<HookAnswer> reject(Trigger trigger, HookEvent event, int status, String problem, String reason) {
        return record(trigger, event, DeliveryOutcome.REJECTED, reason)
                .map(id -> HookAnswer.refused(status, problem, id, reason, 0));
    }

    private Uni<UUID> record(Trigger trigger, HookEvent event, DeliveryOutcome outcome, String reason) {
        UUID id = ids.next();
        Delivery delivery = new Delivery(id, trigger.name(), clock.instant(), outcome, reason,
                event == null ? null : event.id(), event == null ? null : event.type(),
                event == null ? Map.of() : event.values(), null, null, null, "none", 0, null);
        return deliveries.record(delivery).replaceWith(id);
    }

    private HookSignatures.Refusal verify(TriggerSource source, List<String> secrets, HookRequest request,
            Instant now) {
        return switch (source) {
            case SLACK -> HookSignatures.slack(secrets, request.header("x-slack-request-timestamp"),
                    request.header("x-slack-signature"), request.body(), now);
            case GITHUB -> HookSignatures.github(secrets, request.header("x-hub-signature-256"), request.body());
            case STANDARD_WEBHOOKS -> HookSignatures.standard(secrets, request.header("webhook-id"),
                    request.header("webhook-timestamp"), request.header("webhook-signature"), request.body(), now);
        };
    }

    private HookEvent read(Trigger trigger, HookRequest request) {
        String contentType = request.header("content-type");
        return switch (trigger.source()) {
            case SLACK -> HookEvents.slack(contentType, request.body(), json, trigger.appUserId());
            case GITHUB -> HookEvents.github(contentType, request.header("x-github-event"),
                    request.header("x-github-delivery"), request.body(), json);
            case STANDARD_WEBHOOKS -> HookEvents.standard(request.header("webhook-id"), request.body(), json);
        };
    }
}
