package io.clawbot.coordinator.domain.schedule.port;

import java.time.ZoneId;

/**
 * Reads cron expressions: the standard 5 fields (minute, hour, day of month, month, day of week) of UNIX
 * crontab, evaluated in a time zone. A library lives behind it, so the domain stays free of one.
 */
public interface CronCalendar {

    /**
     * The rule of {@code expression} in {@code zone}.
     *
     * @throws io.clawbot.coordinator.domain.common.ValidationException of field {@code cron} when the expression
     *         is not a valid 5-field cron expression
     */
    CronRule parse(String expression, ZoneId zone);
}
