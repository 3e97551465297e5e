package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.schedule.port.CronCalendar;
import io.clawbot.coordinator.domain.schedule.port.CronRule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A cron calendar that knows a few expressions, enough for the use cases (the real one is tested with its
 * library): {@code * * * * *} every minute, {@code *}{@code /N * * * *} every N minutes, {@code 0 * * * *}
 * hourly, all on the UTC clock, and {@code 0 0 30 2 *}, which never fires. Anything else is invalid.
 */
public final class FakeCronCalendar implements CronCalendar {

    public static final String NEVER = "0 0 30 2 *";

    @Override
    public CronRule parse(String expression, ZoneId zone) {
        if (expression.equals(NEVER)) {
            return after -> null;
        }
        if (expression.equals("* * * * *")) {
            return every(Duration.ofMinutes(1));
        }
        if (expression.equals("0 * * * *")) {
            return every(Duration.ofHours(1));
        }
        if (expression.matches("\\*/[1-9][0-9]? \\* \\* \\* \\*")) {
            return every(Duration.ofMinutes(Integer.parseInt(expression.substring(2, expression.indexOf(' ')))));
        }
        throw new ValidationException("cron", "'" + expression + "' is not a cron expression this fake knows");
    }

    private static CronRule every(Duration period) {
        long step = period.toMillis();
        return after -> Instant.ofEpochMilli(Math.floorDiv(after.toEpochMilli(), step) * step + step);
    }
}
