package io.clawbot.coordinator.bootstrap.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.schedule.port.CronRule;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CronUtilsCalendarTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** A Friday. */
    private static final Instant FRIDAY_NOON = Instant.parse("2025-03-28T12:00:00Z");

    private final CronUtilsCalendar calendar = new CronUtilsCalendar();

    private static Instant at(String utc) {
        return Instant.parse(utc);
    }

    @Test
    void weekday_mornings_in_berlin_follow_the_daylight_saving_change() {
        CronRule rule = calendar.parse("0 9 * * 1-5", BERLIN);

        assertThat(rule.nextAfter(FRIDAY_NOON, 3)).containsExactly(
                at("2025-03-31T07:00:00Z"), // Monday, summer time (UTC+2) since Sunday
                at("2025-04-01T07:00:00Z"),
                at("2025-04-02T07:00:00Z"));
        assertThat(rule.nextAfter(at("2025-03-27T12:00:00Z"))).isEqualTo(at("2025-03-28T08:00:00Z"));
    }

    @Test
    void the_next_occurrence_is_strictly_after_the_given_instant() {
        CronRule everyMinute = calendar.parse("* * * * *", UTC);

        assertThat(everyMinute.nextAfter(FRIDAY_NOON)).isEqualTo(at("2025-03-28T12:01:00Z"));
        assertThat(everyMinute.nextAfter(FRIDAY_NOON.minusMillis(1))).isEqualTo(FRIDAY_NOON);
        assertThat(everyMinute.nextAfter(FRIDAY_NOON, 3)).containsExactly(at("2025-03-28T12:01:00Z"),
                at("2025-03-28T12:02:00Z"), at("2025-03-28T12:03:00Z"));
    }

    @Test
    void steps_names_and_sunday_as_seven_are_understood() {
        assertThat(calendar.parse("*/15 * * * *", UTC).nextAfter(FRIDAY_NOON)).isEqualTo(at("2025-03-28T12:15:00Z"));
        assertThat(calendar.parse("0 0 * * SUN", UTC).nextAfter(FRIDAY_NOON)).isEqualTo(at("2025-03-30T00:00:00Z"));
        assertThat(calendar.parse("0 0 * * 7", UTC).nextAfter(FRIDAY_NOON)).isEqualTo(at("2025-03-30T00:00:00Z"));
        assertThat(calendar.parse("30 6 1 JAN *", UTC).nextAfter(FRIDAY_NOON)).isEqualTo(at("2026-01-01T06:30:00Z"));
    }

    @Test
    void a_restricted_day_of_month_and_day_of_week_mean_either_as_in_crontab() {
        CronRule rule = calendar.parse("0 0 1 * 1", UTC);

        assertThat(rule.nextAfter(FRIDAY_NOON, 3)).containsExactly(at("2025-03-31T00:00:00Z"),
                at("2025-04-01T00:00:00Z"), at("2025-04-07T00:00:00Z"));
    }

    @Test
    void an_expression_that_can_never_fire_has_no_next_occurrence() {
        assertThat(calendar.parse("0 0 30 2 *", UTC).nextAfter(FRIDAY_NOON)).isNull();
    }

    @Test
    void invalid_expressions_are_rejected_as_a_cron_field_error() {
        for (String bad : new String[]{ "", "every day", "* * * *", "* * * * * *", "60 * * * *", "0 0 32 * *",
                "@daily" }) {
            assertThatThrownBy(() -> calendar.parse(bad, UTC)).as(bad)
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("cron"));
        }
    }
}
