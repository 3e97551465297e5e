package io.clawbot.coordinator.domain.schedule;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.id.ScheduleId;
import io.clawbot.coordinator.domain.schedule.port.CronRule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A cron schedule that creates a task or starts a workflow from its template at each occurrence.
 *
 * <p>
 * Every method that takes a {@link CronRule} expects the rule of this schedule's own expression and time zone
 * (the use case parses it).
 *
 * @param nextFireAt the occurrence it waits for; {@code null} while disabled, or when the expression has no
 *        further occurrence
 * @param lastFiredAt when it last created something; {@code null} if never
 * @param version optimistic-lock counter, raised by every write (an advance included)
 */
public record Schedule(
        ScheduleId id,
        String name,
        String description,
        String cron,
        String timeZone,
        ScheduleTarget target,
        Map<String, Object> template,
        boolean enabled,
        MisfirePolicy misfirePolicy,
        Instant nextFireAt,
        Instant lastFiredAt,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    public Schedule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(misfirePolicy, "misfirePolicy");
        template = JsonObjects.copyOf(template);
    }

    /** A new schedule; when enabled it waits for the first occurrence after {@code now}. */
    public static Schedule create(ScheduleId id, ScheduleSpec spec, CronRule rule, Instant now) {
        return new Schedule(id, spec.name(), spec.description(), spec.cron(), spec.timeZone(), spec.target(),
                spec.template(), spec.enabled(), spec.misfirePolicy(), spec.enabled() ? rule.nextAfter(now) : null,
                null, now, now, 0);
    }

    public ZoneId zone() {
        return ScheduleSpec.zone(timeZone);
    }

    /** What a client would send to make this schedule again. */
    public ScheduleSpec spec() {
        return new ScheduleSpec(name, description, cron, timeZone, target, template, enabled, misfirePolicy);
    }

    /**
     * This schedule redefined. Its next fire time is computed afresh from {@code now} when its expression or time
     * zone changed or it was disabled until now; otherwise it keeps the occurrence it was waiting for. Disabled,
     * it has none.
     */
    public Schedule replace(ScheduleSpec spec, CronRule rule, Instant now) {
        Instant next;
        if (!spec.enabled()) {
            next = null;
        } else if (!enabled || nextFireAt == null || !spec.cron().equals(cron) || !spec.timeZone().equals(timeZone)) {
            next = rule.nextAfter(now);
        } else {
            next = nextFireAt;
        }
        return new Schedule(id, spec.name(), spec.description(), spec.cron(), spec.timeZone(), spec.target(),
                spec.template(), spec.enabled(), spec.misfirePolicy(), next, lastFiredAt, createdAt, now, version);
    }

    /**
     * Disabled -> enabled, waiting for the first occurrence after {@code now}: the occurrences of the disabled
     * period are not caught up. Enabling an enabled schedule changes nothing.
     */
    public Transition<Schedule> enable(CronRule rule, Instant now) {
        if (enabled) {
            return Transition.unchanged(this);
        }
        return Transition.changed(new Schedule(id, name, description, cron, timeZone, target, template, true,
                misfirePolicy, rule.nextAfter(now), lastFiredAt, createdAt, now, version));
    }

    /** Enabled -> disabled, with no next fire time. Disabling a disabled schedule changes nothing. */
    public Transition<Schedule> disable(Instant now) {
        if (!enabled) {
            return Transition.unchanged(this);
        }
        return Transition.changed(new Schedule(id, name, description, cron, timeZone, target, template, false,
                misfirePolicy, null, lastFiredAt, createdAt, now, version));
    }

    /**
     * The sweep's rule. Nothing is due while the schedule is disabled or its next occurrence is still ahead.
     * An occurrence at most {@code misfireThreshold} old is on time: it fires, and the schedule then waits for
     * the occurrence after it, so a short backlog fires one occurrence per sweep, each once. An older one is a
     * misfire (the coordinator was down): {@link MisfirePolicy#SKIP} fires nothing, {@link MisfirePolicy#FIRE_ONCE}
     * fires once for everything missed, and either way the schedule then waits for the first occurrence after
     * {@code now}.
     */
    public Optional<DueOccurrence> dueAt(Instant now, CronRule rule, Duration misfireThreshold) {
        if (misfireThreshold.isNegative()) {
            throw new IllegalArgumentException("misfire threshold must not be negative");
        }
        if (!enabled || nextFireAt == null || nextFireAt.isAfter(now)) {
            return Optional.empty();
        }
        if (Duration.between(nextFireAt, now).compareTo(misfireThreshold) <= 0) {
            return Optional.of(new DueOccurrence(nextFireAt, true, false, rule.nextAfter(nextFireAt)));
        }
        return Optional.of(new DueOccurrence(nextFireAt, misfirePolicy == MisfirePolicy.FIRE_ONCE, true,
                rule.nextAfter(now)));
    }
}
