package io.clawbot.coordinator.application.schedule;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.id.ScheduleId;
import io.clawbot.coordinator.domain.schedule.Schedule;
import io.clawbot.coordinator.domain.schedule.ScheduleSpec;
import io.clawbot.coordinator.domain.schedule.port.CronCalendar;
import io.clawbot.coordinator.domain.schedule.port.CronRule;
import io.clawbot.coordinator.domain.schedule.port.ScheduleStore;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Function;

/**
 * Defining schedules: create, replace, enable, disable, delete, and previews of when an expression fires. A
 * schedule is only saved with an expression that parses and fires at least once more and a template that makes
 * a valid task or workflow, so the sweep never meets a schedule it cannot fire.
 */
public final class ScheduleLifecycle {

    public static final int DEFAULT_PREVIEW_COUNT = 5;
    public static final int MAX_PREVIEW_COUNT = 100;

    private final ScheduleStore schedules;
    private final CronCalendar calendar;
    private final IdSource ids;
    private final InstantSource clock;

    public ScheduleLifecycle(ScheduleStore schedules, CronCalendar calendar, IdSource ids, InstantSource clock) {
        this.schedules = schedules;
        this.calendar = calendar;
        this.ids = ids;
        this.clock = clock;
    }

    public Uni<Schedule> create(ScheduleSpec spec) {
        return Uni.createFrom().deferred(() -> {
            CronRule rule = checked(spec);
            return schedules.create(Schedule.create(new ScheduleId(ids.next()), spec, rule, clock.instant()));
        });
    }

    public Uni<Schedule> get(ScheduleId id) {
        return schedules.findById(id).onItem().ifNull().failWith(() -> new NotFoundException("schedule", id));
    }

    public Uni<List<Schedule>> list(PageRequest page) {
        return schedules.list(page);
    }

    /** Replaces the definition; the next fire time is kept unless the expression, zone or enablement changed. */
    public Uni<Schedule> replace(ScheduleId id, ScheduleSpec spec) {
        return Uni.createFrom().deferred(() -> {
            CronRule rule = checked(spec);
            return change(id, current -> current.replace(spec, rule, clock.instant()));
        });
    }

    /** Enables a schedule from now on: it waits for the first occurrence after now. */
    public Uni<Schedule> enable(ScheduleId id) {
        return change(id, current -> current.enable(rule(current), clock.instant()).orThrow());
    }

    public Uni<Schedule> disable(ScheduleId id) {
        return change(id, current -> current.disable(clock.instant()).orThrow());
    }

    public Uni<Void> delete(ScheduleId id) {
        return schedules.delete(id).flatMap(deleted -> deleted
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new NotFoundException("schedule", id)));
    }

    /** The next {@code count} occurrences of a schedule's expression after now, whether it is enabled or not. */
    public Uni<FireTimes> upcoming(ScheduleId id, Integer count) {
        int n = count(count);
        return get(id).map(s -> new FireTimes(s.cron(), s.timeZone(), rule(s).nextAfter(clock.instant(), n)));
    }

    /** The next {@code count} occurrences of an expression after now, to try one before saving it. */
    public FireTimes preview(String cron, String timeZone, Integer count) {
        String expression = Names.required("cron", cron, ScheduleSpec.MAX_CRON_LENGTH);
        String zone = timeZone == null ? ScheduleSpec.DEFAULT_TIME_ZONE : timeZone;
        ZoneId zoneId = ScheduleSpec.zone(zone);
        int n = count(count);
        return new FireTimes(expression, zone, calendar.parse(expression, zoneId).nextAfter(clock.instant(), n));
    }

    private Uni<Schedule> change(ScheduleId id, Function<Schedule, Schedule> step) {
        return ConcurrentRetry.run(() -> get(id).flatMap(current -> {
            Schedule next = step.apply(current);
            return next == current ? Uni.createFrom().item(current) : schedules.update(next, current.version());
        }));
    }

    /** The rule of a valid spec whose template makes a valid command. */
    private CronRule checked(ScheduleSpec spec) {
        CronRule rule = calendar.parse(spec.cron(), spec.zone());
        if (rule.nextAfter(clock.instant()) == null) {
            throw new ValidationException("cron", "'" + spec.cron() + "' never fires");
        }
        ScheduleTemplates.validate(spec.target(), spec.template());
        return rule;
    }

    private CronRule rule(Schedule schedule) {
        return calendar.parse(schedule.cron(), schedule.zone());
    }

    private static int count(Integer count) {
        int n = count == null ? DEFAULT_PREVIEW_COUNT : count;
        if (n < 1 || n > MAX_PREVIEW_COUNT) {
            throw new ValidationException("count", "must be between 1 and " + MAX_PREVIEW_COUNT);
        }
        return n;
    }
}
