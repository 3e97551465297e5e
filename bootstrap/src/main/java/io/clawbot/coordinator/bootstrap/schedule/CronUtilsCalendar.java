package io.clawbot.coordinator.bootstrap.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.schedule.port.CronCalendar;
import io.clawbot.coordinator.domain.schedule.port.CronRule;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Standard UNIX crontab expressions through cron-utils (the library Quarkus' own scheduler uses, so it works in
 * the native image): 5 fields, names for months and days, {@code 0} or {@code 7} for Sunday, a day of month and a
 * day of week both restricted meaning either. Occurrences are computed in the schedule's time zone: a time that a
 * daylight-saving jump skips does not occur that day.
 */
public final class CronUtilsCalendar implements CronCalendar {

    private final CronParser parser = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    @Override
    public CronRule parse(String expression, ZoneId zone) {
        Cron cron;
        try {
            cron = parser.parse(expression).validate();
        } catch (IllegalArgumentException e) {
            throw new ValidationException("cron", "'" + expression + "' is not a valid cron expression ("
                    + e.getMessage() + "); use 5 fields: minute hour day-of-month month day-of-week");
        }
        ExecutionTime executions = ExecutionTime.forCron(cron);
        return after -> executions.nextExecution(ZonedDateTime.ofInstant(after, zone))
                .map(ZonedDateTime::toInstant)
                .map(next -> next.isAfter(after) ? next : null)
                .orElse(null);
    }
}
