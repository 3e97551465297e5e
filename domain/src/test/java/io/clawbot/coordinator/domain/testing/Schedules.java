package io.clawbot.coordinator.domain.testing;

import io.clawbot.coordinator.domain.id.ScheduleId;
import io.clawbot.coordinator.domain.schedule.MisfirePolicy;
import io.clawbot.coordinator.domain.schedule.Schedule;
import io.clawbot.coordinator.domain.schedule.ScheduleSpec;
import io.clawbot.coordinator.domain.schedule.ScheduleTarget;
import io.clawbot.coordinator.domain.schedule.port.CronRule;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Test data for schedules, and cron rules simple enough to check by eye. */
public final class Schedules {

    private static final AtomicLong NEXT = new AtomicLong(1);

    /** Fires at the start of every minute. */
    public static final CronRule EVERY_MINUTE = every(Duration.ofMinutes(1));

    /** Fires at the start of every hour. */
    public static final CronRule HOURLY = every(Duration.ofHours(1));

    private Schedules() {
    }

    public static ScheduleId scheduleId() {
        return new ScheduleId(new UUID(0x5c4e, NEXT.getAndIncrement()));
    }

    /** Fires at every whole multiple of {@code period} since the epoch. */
    public static CronRule every(Duration period) {
        long step = period.toMillis();
        return after -> Instant.ofEpochMilli(Math.floorDiv(after.toEpochMilli(), step) * step + step);
    }

    /** An enabled every-minute task schedule in UTC with this misfire policy. */
    public static ScheduleSpec spec(MisfirePolicy policy) {
        return new ScheduleSpec("nightly-build", "builds main", "* * * * *", "UTC", ScheduleTarget.TASK,
                Map.of("type", "build"), true, policy);
    }

    /** An enabled every-minute schedule created at {@code now}. */
    public static Schedule everyMinute(MisfirePolicy policy, Instant now) {
        return Schedule.create(scheduleId(), spec(policy), EVERY_MINUTE, now);
    }
}
