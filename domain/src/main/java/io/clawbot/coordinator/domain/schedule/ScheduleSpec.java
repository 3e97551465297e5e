package io.clawbot.coordinator.domain.schedule;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;

/**
 * What a client asks a schedule to be, validated on construction. Whether the cron expression parses and the
 * template makes a valid task or workflow is checked by the use case, which has the cron calendar and knows the
 * templates.
 *
 * @param cron a standard 5-field cron expression (minute hour day-of-month month day-of-week)
 * @param timeZone the IANA time zone the expression is read in, e.g. {@code Europe/Berlin}
 * @param template the JSON body one would send to create the target, as a plain map
 * @param enabled whether it fires; a disabled schedule keeps its definition but has no next fire time
 */
public record ScheduleSpec(
        String name,
        String description,
        String cron,
        String timeZone,
        ScheduleTarget target,
        Map<String, Object> template,
        boolean enabled,
        MisfirePolicy misfirePolicy) {

    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_DESCRIPTION_LENGTH = 2000;
    public static final int MAX_CRON_LENGTH = 200;
    public static final String DEFAULT_TIME_ZONE = "UTC";
    public static final MisfirePolicy DEFAULT_MISFIRE_POLICY = MisfirePolicy.SKIP;
    public static final ScheduleTarget DEFAULT_TARGET = ScheduleTarget.TASK;

    public ScheduleSpec {
        name = Names.required("name", name, MAX_NAME_LENGTH);
        description = Names.optional("description", description, MAX_DESCRIPTION_LENGTH);
        cron = Names.required("cron", cron, MAX_CRON_LENGTH);
        zone(timeZone);
        if (target == null) {
            throw new ValidationException("target", "is required");
        }
        if (template == null) {
            throw new ValidationException("template", "is required");
        }
        template = JsonObjects.copyOf(template);
        if (misfirePolicy == null) {
            throw new ValidationException("misfire_policy", "is required");
        }
    }

    /** A spec from wire values, with defaults for whatever the client left out. */
    public static ScheduleSpec of(String name, String description, String cron, String timeZone, String target,
            Map<String, Object> template, Boolean enabled, String misfirePolicy) {
        return new ScheduleSpec(name, description, cron, timeZone == null ? DEFAULT_TIME_ZONE : timeZone,
                target == null ? DEFAULT_TARGET : ScheduleTarget.fromWire("target", target), template,
                enabled == null || enabled,
                misfirePolicy == null
                        ? DEFAULT_MISFIRE_POLICY
                        : MisfirePolicy.fromWire("misfire_policy", misfirePolicy));
    }

    public ZoneId zone() {
        return zone(timeZone);
    }

    /** The time zone with this id; a validation error of {@code time_zone} when there is none. */
    public static ZoneId zone(String timeZone) {
        if (timeZone == null || timeZone.isBlank()) {
            throw new ValidationException("time_zone", "must not be blank");
        }
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new ValidationException("time_zone",
                    "'" + timeZone + "' is not a known time zone; use an IANA id such as UTC or Europe/Berlin");
        }
    }
}
