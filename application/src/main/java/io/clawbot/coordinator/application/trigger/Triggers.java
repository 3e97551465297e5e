package io.clawbot.coordinator.application.trigger;

import io.clawbot.coordinator.application.workflow.WorkflowDefinitions;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.trigger.Delivery;
import io.clawbot.coordinator.domain.trigger.DeliveryOutcome;
import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.trigger.Trigger;
import io.clawbot.coordinator.domain.trigger.TriggerMatch;
import io.clawbot.coordinator.domain.trigger.TriggerSecrets;
import io.clawbot.coordinator.domain.trigger.TriggerSource;
import io.clawbot.coordinator.domain.trigger.TriggerTarget;
import io.clawbot.coordinator.domain.trigger.port.DeliveryStore;
import io.clawbot.coordinator.domain.trigger.port.TriggerStore;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/** Triggers as configuration: create, replace, rotate the secret, remove; and their deliveries. */
public final class Triggers {

    /** The longest a replaced secret stays valid. */
    public static final Duration MAX_OVERLAP = Duration.ofDays(7);
    /** How long a replaced secret stays valid when the client does not say. */
    public static final Duration DEFAULT_OVERLAP = Duration.ofHours(1);
    public static final int MAX_BOT_TOKEN = 512;

    private final TriggerStore store;
    private final DeliveryStore deliveries;
    private final WorkflowDefinitions definitions;
    private final InstantSource clock;
    private final Conditions conditions;

    public Triggers(TriggerStore store, DeliveryStore deliveries, WorkflowDefinitions definitions,
            InstantSource clock, Conditions conditions) {
        this.conditions = conditions;
        this.store = store;
        this.deliveries = deliveries;
        this.definitions = definitions;
        this.clock = clock;
    }

    /** A trigger as stored, and its secret when the service generated it (shown once). */
    public record Created(Trigger trigger, String generatedSecret) {
    }

    public Uni<Created> create(TriggerDraft draft) {
        Trigger trigger = build(draft, draft.name());
        String secret = draft.secret();
        String generated = null;
        if (secret == null) {
            if (trigger.source() == TriggerSource.SLACK) {
                throw new ValidationException("secret", "is required: the signing secret from the Slack app's "
                        + "Basic Information page");
            }
            generated = TriggerSecrets.generate(trigger.source());
            secret = generated;
        } else {
            TriggerSecrets.check(trigger.source(), "secret", secret);
        }
        String botToken = checkBotToken(draft.botToken());
        TriggerSecrets secrets = new TriggerSecrets(secret, null, null,
                botToken == null || botToken.isEmpty() ? null : botToken);
        String shown = generated;
        return checkDefinition(trigger).flatMap(ignored -> store.create(trigger, secrets))
                .map(stored -> new Created(stored, shown));
    }

    /** Replaces the configuration of an existing trigger; its secret stays (see {@link #rotate}). */
    public Uni<Trigger> replace(String name, TriggerDraft draft) {
        Trigger.checkName(name);
        if (draft.name() != null && !draft.name().equals(name)) {
            throw new ValidationException("name", "must be the path's name, or absent");
        }
        Trigger trigger = build(draft, name);
        String botToken = checkBotToken(draft.botToken());
        return get(name).flatMap(current -> {
            if (current.source() != trigger.source()) {
                throw new ValidationException("source", "cannot change (it is " + current.source().wire()
                        + "): its secret is for that source; create another trigger");
            }
            return checkDefinition(trigger).flatMap(ignored -> store.replace(trigger, current.version(), botToken));
        });
    }

    /**
     * Sets a new signing secret. The one it replaces stays valid for {@code overlap} (default an hour, at most
     * seven days, zero ends it at once), so the sender can be switched over without losing a delivery.
     *
     * @param secret the new secret; {@code null} generates one
     */
    public Uni<Created> rotate(String name, String secret, Integer overlapSeconds) {
        Trigger.checkName(name);
        if (overlapSeconds != null && (overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP.toSeconds())) {
            throw new ValidationException("overlap_seconds", "must be between 0 and " + MAX_OVERLAP.toSeconds());
        }
        Duration overlap = overlapSeconds == null ? DEFAULT_OVERLAP : Duration.ofSeconds(overlapSeconds);
        return get(name).flatMap(current -> {
            String generated = null;
            String next = secret;
            if (next == null) {
                if (current.source() == TriggerSource.SLACK) {
                    throw new ValidationException("secret", "is required: Slack issues the signing secret");
                }
                generated = TriggerSecrets.generate(current.source());
                next = generated;
            } else {
                TriggerSecrets.check(current.source(), "secret", next);
            }
            Instant until = overlap.isZero() ? null : clock.instant().plus(overlap);
            String shown = generated;
            return store.rotate(name, next, until).map(t -> new Created(t, shown));
        });
    }

    public Uni<Trigger> get(String name) {
        Trigger.checkName(name);
        return store.find(name).map(t -> {
            if (t == null) {
                throw unknown(name);
            }
            return t;
        });
    }

    public Uni<List<Trigger>> list() {
        return store.list();
    }

    public Uni<Void> delete(String name) {
        Trigger.checkName(name);
        return store.delete(name).map(deleted -> {
            if (!deleted) {
                throw unknown(name);
            }
            return null;
        });
    }

    /** A trigger's deliveries, newest first. */
    public Uni<List<Delivery>> deliveries(String name, DeliveryOutcome outcome, PageRequest page) {
        return get(name).flatMap(t -> deliveries.list(name, outcome, page));
    }

    static NotFoundException unknown(String name) {
        return NotFoundException.described("trigger", "Trigger '" + name + "' does not exist");
    }

    private Trigger build(TriggerDraft draft, String name) {
        if (draft.source() == null) {
            throw new ValidationException("source", "is required");
        }
        if (draft.target() == null) {
            throw new ValidationException("target", "is required");
        }
        if (draft.template() == null) {
            throw new ValidationException("template", "is required");
        }
        Instant now = clock.instant();
        Trigger trigger = new Trigger(name, draft.description(), draft.source(),
                draft.enabled() == null || draft.enabled(), draft.match(), draft.target(), draft.template(),
                Boolean.TRUE.equals(draft.reply()), draft.appUserId(), draft.maxRequests(), draft.windowSeconds(),
                null, null, false, now, now, 0);
        TriggerTemplates.validate(trigger.target(), trigger.template());
        if (trigger.match().condition() != null) {
            conditions.check("match.condition", trigger.match().condition(), TriggerMatch.CONDITION_VARIABLES);
        }
        return trigger;
    }

    /** A definition run's definition must exist (when its name is not taken from the event). */
    private Uni<Void> checkDefinition(Trigger trigger) {
        if (trigger.target() != TriggerTarget.DEFINITION
                || !(trigger.template().get("name") instanceof String name) || name.contains("${")) {
            return Uni.createFrom().voidItem();
        }
        Integer version = trigger.template().get("version") instanceof Integer v ? v : null;
        return definitions.get(name, version).onFailure(NotFoundException.class)
                .transform(e -> new ValidationException("template.name", e.getMessage()))
                .replaceWithVoid();
    }

    private static String checkBotToken(String token) {
        if (token == null || token.isEmpty()) {
            return token;
        }
        if (token.length() > MAX_BOT_TOKEN || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ValidationException("slack_bot_token", "must be printable ASCII, at most " + MAX_BOT_TOKEN
                    + " characters");
        }
        return token;
    }
}
