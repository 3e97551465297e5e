package io.clawbot.coordinator.domain.schedule;

import static io.clawbot.coordinator.domain.testing.Schedules.EVERY_MINUTE;
import static io.clawbot.coordinator.domain.testing.Schedules.HOURLY;
import static io.clawbot.coordinator.domain.testing.Transitions.changed;
import static io.clawbot.coordinator.domain.testing.Transitions.unchanged;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.domain.testing.Schedules;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final Instant NOON = Instant.parse("2025-03-01T12:00:00Z");
    private static final Instant CREATED = NOON.minusSeconds(30);
    private static final Duration THRESHOLD = Duration.ofSeconds(60);

    private static Instant at(String time) {
        return Instant.parse("2025-03-01T" + time + "Z");
    }

    @Nested
    class Creation {

        @Test
        void an_enabled_schedule_waits_for_the_first_occurrence_after_its_creation() {
            Schedule schedule = Schedules.everyMinute(MisfirePolicy.SKIP, at("11:59:30"));

            assertThat(schedule.nextFireAt()).isEqualTo(NOON);
            assertThat(schedule.lastFiredAt()).isNull();
            assertThat(schedule.createdAt()).isEqualTo(at("11:59:30"));
            assertThat(schedule.version()).isZero();
        }

        @Test
        void an_occurrence_exactly_at_creation_is_not_fired_again_the_next_one_is_awaited() {
            Schedule schedule = Schedules.everyMinute(MisfirePolicy.SKIP, NOON);

            assertThat(schedule.nextFireAt()).isEqualTo(at("12:01:00"));
        }

        @Test
        void a_disabled_schedule_has_no_next_fire_time() {
            ScheduleSpec spec = new ScheduleSpec("off", null, "* * * * *", "UTC", ScheduleTarget.TASK, Map.of(), false,
                    MisfirePolicy.SKIP);

            Schedule schedule = Schedule.create(Schedules.scheduleId(), spec, EVERY_MINUTE, NOON);

            assertThat(schedule.nextFireAt()).isNull();
            assertThat(schedule.spec()).isEqualTo(spec);
        }
    }

    @Nested
    class Sweep {

        private final Schedule skip = Schedules.everyMinute(MisfirePolicy.SKIP, CREATED);
        private final Schedule fireOnce = Schedules.everyMinute(MisfirePolicy.FIRE_ONCE, CREATED);

        @Test
        void nothing_is_due_before_the_next_occurrence() {
            assertThat(skip.dueAt(NOON.minusMillis(1), EVERY_MINUTE, THRESHOLD)).isEmpty();
        }

        @Test
        void an_occurrence_fires_when_it_comes_and_the_schedule_then_waits_for_the_one_after_it() {
            DueOccurrence due = skip.dueAt(NOON, EVERY_MINUTE, THRESHOLD).orElseThrow();

            assertThat(due).isEqualTo(new DueOccurrence(NOON, true, false, at("12:01:00")));
        }

        @Test
        void an_occurrence_late_by_exactly_the_threshold_is_still_on_time() {
            DueOccurrence due = skip.dueAt(NOON.plus(THRESHOLD), EVERY_MINUTE, THRESHOLD).orElseThrow();

            assertThat(due.fire()).isTrue();
            assertThat(due.misfired()).isFalse();
            assertThat(due.nextFireAt()).isEqualTo(at("12:01:00"));
        }

        @Test
        void a_backlog_within_the_threshold_fires_one_occurrence_after_another() {
            Schedule backlogged = withNext(skip, at("11:00:00"));
            Instant now = at("11:03:30");
            Duration wide = Duration.ofHours(2);

            DueOccurrence first = backlogged.dueAt(now, EVERY_MINUTE, wide).orElseThrow();
            DueOccurrence second = withNext(backlogged, first.nextFireAt()).dueAt(now, EVERY_MINUTE, wide)
                    .orElseThrow();

            assertThat(first).isEqualTo(new DueOccurrence(at("11:00:00"), true, false, at("11:01:00")));
            assertThat(second).isEqualTo(new DueOccurrence(at("11:01:00"), true, false, at("11:02:00")));
        }

        @Test
        void a_skip_misfire_fires_nothing_and_waits_for_the_first_occurrence_after_now() {
            Instant now = NOON.plus(THRESHOLD).plusMillis(1);

            DueOccurrence due = skip.dueAt(now, EVERY_MINUTE, THRESHOLD).orElseThrow();

            assertThat(due).isEqualTo(new DueOccurrence(NOON, false, true, at("12:02:00")));
        }

        @Test
        void after_hours_of_downtime_a_fire_once_misfire_fires_once_and_waits_for_the_first_occurrence_after_now() {
            Instant now = at("15:00:10");

            DueOccurrence due = fireOnce.dueAt(now, EVERY_MINUTE, THRESHOLD).orElseThrow();

            assertThat(due).isEqualTo(new DueOccurrence(NOON, true, true, at("15:01:00")));
        }

        @Test
        void the_threshold_is_measured_from_the_due_occurrence_not_from_the_rule_period() {
            Schedule hourly = Schedule.create(Schedules.scheduleId(), Schedules.spec(MisfirePolicy.SKIP), HOURLY,
                    CREATED);

            DueOccurrence due = hourly.dueAt(at("12:00:59"), HOURLY, THRESHOLD).orElseThrow();

            assertThat(due).isEqualTo(new DueOccurrence(NOON, true, false, at("13:00:00")));
        }

        @Test
        void a_disabled_schedule_is_never_due() {
            Schedule disabled = changed(skip.disable(CREATED));

            assertThat(disabled.dueAt(at("15:00:00"), EVERY_MINUTE, THRESHOLD)).isEmpty();
        }

        @Test
        void a_schedule_whose_expression_ran_out_is_never_due() {
            assertThat(withNext(skip, null).dueAt(at("15:00:00"), EVERY_MINUTE, THRESHOLD)).isEmpty();
        }

        @Test
        void an_expression_with_no_further_occurrence_leaves_no_next_fire_time() {
            DueOccurrence due = skip.dueAt(NOON, after -> null, THRESHOLD).orElseThrow();

            assertThat(due.fire()).isTrue();
            assertThat(due.nextFireAt()).isNull();
        }
    }

    @Nested
    class EnableAndDisable {

        private final Schedule schedule = Schedules.everyMinute(MisfirePolicy.FIRE_ONCE, CREATED);

        @Test
        void disabling_clears_the_next_fire_time_and_keeps_the_rest() {
            Schedule disabled = changed(schedule.disable(NOON));

            assertThat(disabled.enabled()).isFalse();
            assertThat(disabled.nextFireAt()).isNull();
            assertThat(disabled.updatedAt()).isEqualTo(NOON);
            assertThat(disabled.cron()).isEqualTo(schedule.cron());
            assertThat(disabled.version()).isEqualTo(schedule.version());
        }

        @Test
        void enabling_waits_for_the_first_occurrence_after_now_without_catching_up_the_disabled_period() {
            Schedule disabled = changed(schedule.disable(NOON));

            Schedule enabled = changed(disabled.enable(EVERY_MINUTE, at("14:30:10")));

            assertThat(enabled.enabled()).isTrue();
            assertThat(enabled.nextFireAt()).isEqualTo(at("14:31:00"));
            assertThat(enabled.dueAt(at("14:30:59"), EVERY_MINUTE, THRESHOLD)).isEmpty();
        }

        @Test
        void enabling_an_enabled_schedule_or_disabling_a_disabled_one_changes_nothing() {
            assertThat(unchanged(schedule.enable(EVERY_MINUTE, NOON))).isSameAs(schedule);
            Schedule disabled = changed(schedule.disable(NOON));
            assertThat(unchanged(disabled.disable(at("13:00:00")))).isSameAs(disabled);
        }
    }

    @Nested
    class Replace {

        private final Schedule schedule = Schedules.everyMinute(MisfirePolicy.SKIP, CREATED);

        @Test
        void keeping_the_expression_and_zone_keeps_the_awaited_occurrence() {
            ScheduleSpec renamed = new ScheduleSpec("renamed", "new text", "* * * * *", "UTC", ScheduleTarget.WORKFLOW,
                    Map.of("name", "w", "task_payloads", java.util.List.of(Map.of())), true, MisfirePolicy.FIRE_ONCE);

            Schedule replaced = schedule.replace(renamed, EVERY_MINUTE, at("11:59:50"));

            assertThat(replaced.nextFireAt()).isEqualTo(NOON);
            assertThat(replaced.name()).isEqualTo("renamed");
            assertThat(replaced.target()).isEqualTo(ScheduleTarget.WORKFLOW);
            assertThat(replaced.misfirePolicy()).isEqualTo(MisfirePolicy.FIRE_ONCE);
            assertThat(replaced.updatedAt()).isEqualTo(at("11:59:50"));
            assertThat(replaced.createdAt()).isEqualTo(CREATED);
        }

        @Test
        void a_new_expression_is_computed_from_now() {
            ScheduleSpec hourly = new ScheduleSpec("nightly-build", null, "0 * * * *", "UTC", ScheduleTarget.TASK,
                    Map.of(), true, MisfirePolicy.SKIP);

            Schedule replaced = schedule.replace(hourly, HOURLY, at("12:30:00"));

            assertThat(replaced.nextFireAt()).isEqualTo(at("13:00:00"));
        }

        @Test
        void a_new_time_zone_is_computed_from_now() {
            ScheduleSpec berlin = new ScheduleSpec("nightly-build", null, "* * * * *", "Europe/Berlin",
                    ScheduleTarget.TASK, Map.of(), true, MisfirePolicy.SKIP);

            Schedule replaced = withNext(schedule, at("11:00:00")).replace(berlin, EVERY_MINUTE, at("12:30:30"));

            assertThat(replaced.nextFireAt()).isEqualTo(at("12:31:00"));
            assertThat(replaced.zone()).isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
        }

        @Test
        void replacing_with_a_disabled_spec_clears_the_next_fire_time_and_re_enabling_starts_from_now() {
            ScheduleSpec off = new ScheduleSpec("nightly-build", null, "* * * * *", "UTC", ScheduleTarget.TASK,
                    Map.of(), false, MisfirePolicy.SKIP);
            Schedule disabled = schedule.replace(off, EVERY_MINUTE, NOON);

            Schedule again = disabled.replace(Schedules.spec(MisfirePolicy.SKIP), EVERY_MINUTE, at("13:00:01"));

            assertThat(disabled.nextFireAt()).isNull();
            assertThat(again.nextFireAt()).isEqualTo(at("13:01:00"));
        }
    }

    private static Schedule withNext(Schedule s, Instant next) {
        return new Schedule(s.id(), s.name(), s.description(), s.cron(), s.timeZone(), s.target(), s.template(),
                s.enabled(), s.misfirePolicy(), next, s.lastFiredAt(), s.createdAt(), s.updatedAt(), s.version());
    }
}
