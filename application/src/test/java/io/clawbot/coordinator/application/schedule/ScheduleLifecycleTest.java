package io.clawbot.coordinator.application.schedule;

import static io.clawbot.coordinator.application.fakes.FakeWorld.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.FakeCronCalendar;
import io.clawbot.coordinator.application.fakes.FakeScheduleStore;
import io.clawbot.coordinator.application.fakes.MutableClock;
import io.clawbot.coordinator.application.fakes.SequentialIds;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.ScheduleId;
import io.clawbot.coordinator.domain.schedule.MisfirePolicy;
import io.clawbot.coordinator.domain.schedule.Schedule;
import io.clawbot.coordinator.domain.schedule.ScheduleSpec;
import io.clawbot.coordinator.domain.schedule.ScheduleTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ScheduleLifecycleTest {

    private final MutableClock clock = new MutableClock(START.plusSeconds(30));
    private final FakeScheduleStore store = new FakeScheduleStore(clock);
    private final ScheduleLifecycle schedules = new ScheduleLifecycle(store, new FakeCronCalendar(),
            new SequentialIds(), clock);

    private static ScheduleSpec spec(String name, String cron, Map<String, Object> template) {
        return ScheduleSpec.of(name, null, cron, null, null, template, null, null);
    }

    private Schedule create(ScheduleSpec spec) {
        return schedules.create(spec).await().indefinitely();
    }

    private static void assertInvalid(String field, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void a_created_schedule_is_stored_waiting_for_its_first_occurrence() {
        Schedule schedule = create(spec("build", "*/5 * * * *", Map.of("type", "build")));

        assertThat(schedule.nextFireAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
        assertThat(schedule.enabled()).isTrue();
        assertThat(schedule.misfirePolicy()).isEqualTo(MisfirePolicy.SKIP);
        assertThat(schedule.timeZone()).isEqualTo("UTC");
        assertThat(schedules.get(schedule.id()).await().indefinitely()).isEqualTo(schedule);
    }

    @Test
    void a_schedule_is_only_saved_with_an_expression_that_fires_and_a_template_that_makes_a_request() {
        assertInvalid("cron", () -> create(spec("a", "every day", Map.of())));
        assertInvalid("cron", () -> create(spec("b", FakeCronCalendar.NEVER, Map.of())));
        assertInvalid("template.priority", () -> create(spec("c", "* * * * *", Map.of("priority", 5000))));
        assertInvalid("template.colour", () -> create(spec("d", "* * * * *", Map.of("colour", "red"))));
        assertInvalid("template.task_payloads", () -> create(ScheduleSpec.of("e", null, "* * * * *", null,
                "workflow", Map.of("name", "w"), null, null)));

        assertThat(schedules.list(PageRequest.first(10)).await().indefinitely()).isEmpty();
    }

    @Test
    void a_taken_name_is_a_conflict() {
        create(spec("build", "* * * * *", Map.of()));

        assertThatThrownBy(() -> create(spec("build", "0 * * * *", Map.of())))
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.code()).isEqualTo("schedule-name-taken"));
    }

    @Test
    void replacing_keeps_the_awaited_occurrence_unless_the_expression_changes() {
        Schedule schedule = create(spec("build", "* * * * *", Map.of("type", "build")));
        clock.advance(Duration.ofSeconds(20));

        Schedule renamed = schedules.replace(schedule.id(), ScheduleSpec.of("build-main", "main only", "* * * * *",
                null, "task", Map.of("type", "build", "payload", Map.of("ref", "main")), true, "fire_once"))
                .await().indefinitely();
        clock.advance(Duration.ofMinutes(3));
        Schedule hourly = schedules.replace(schedule.id(), spec("build-main", "0 * * * *", Map.of()))
                .await().indefinitely();

        assertThat(renamed.nextFireAt()).isEqualTo(schedule.nextFireAt());
        assertThat(renamed.name()).isEqualTo("build-main");
        assertThat(renamed.misfirePolicy()).isEqualTo(MisfirePolicy.FIRE_ONCE);
        assertThat(renamed.template()).containsKey("payload");
        assertThat(renamed.version()).isEqualTo(1);
        assertThat(hourly.nextFireAt()).isEqualTo(START.plus(Duration.ofHours(1)));
        assertThat(hourly.version()).isEqualTo(2);
    }

    @Test
    void a_replacement_is_validated_like_a_creation() {
        Schedule schedule = create(spec("build", "* * * * *", Map.of()));

        assertInvalid("template.priority", () -> schedules.replace(schedule.id(),
                spec("build", "* * * * *", Map.of("priority", "high"))).await().indefinitely());
        assertThat(store.stored(schedule.id())).isEqualTo(schedule);
    }

    @Test
    void disabling_clears_the_next_fire_time_and_enabling_starts_from_now() {
        Schedule schedule = create(spec("build", "* * * * *", Map.of()));

        Schedule disabled = schedules.disable(schedule.id()).await().indefinitely();
        Schedule again = schedules.disable(schedule.id()).await().indefinitely();
        clock.set(Instant.parse("2025-03-01T15:30:10Z"));
        Schedule enabled = schedules.enable(schedule.id()).await().indefinitely();

        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.nextFireAt()).isNull();
        assertThat(again.version()).isEqualTo(disabled.version());
        assertThat(enabled.enabled()).isTrue();
        assertThat(enabled.nextFireAt()).isEqualTo(Instant.parse("2025-03-01T15:31:00Z"));
    }

    @Test
    void unknown_schedules_are_not_found() {
        ScheduleId unknown = new ScheduleId(UUID.randomUUID());

        assertThatThrownBy(() -> schedules.get(unknown).await().indefinitely()).isInstanceOf(NotFoundException.class)
                .hasMessage("Schedule " + unknown + " does not exist");
        assertThatThrownBy(() -> schedules.enable(unknown).await().indefinitely())
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> schedules.delete(unknown).await().indefinitely())
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void a_deleted_schedule_is_gone() {
        Schedule schedule = create(spec("build", "* * * * *", Map.of()));

        schedules.delete(schedule.id()).await().indefinitely();

        assertThat(store.stored(schedule.id())).isNull();
    }

    @Test
    void upcoming_fire_times_follow_the_expression_from_now() {
        Schedule schedule = create(ScheduleSpec.of("build", null, "*/15 * * * *", null, "task", Map.of(), false,
                null));

        FireTimes times = schedules.upcoming(schedule.id(), 3).await().indefinitely();

        assertThat(times.times()).containsExactly(START.plus(Duration.ofMinutes(15)),
                START.plus(Duration.ofMinutes(30)), START.plus(Duration.ofMinutes(45)));
        assertThat(schedules.upcoming(schedule.id(), null).await().indefinitely().times()).hasSize(5);
    }

    @Test
    void a_preview_reads_the_expression_without_saving_it() {
        FireTimes times = schedules.preview("0 * * * *", "Europe/Berlin", 2);

        assertThat(times.timeZone()).isEqualTo("Europe/Berlin");
        assertThat(times.times()).containsExactly(START.plus(Duration.ofHours(1)), START.plus(Duration.ofHours(2)));
        assertThat(schedules.preview("0 * * * *", null, null).timeZone()).isEqualTo("UTC");
        assertInvalid("count", () -> schedules.preview("0 * * * *", null, 0));
        assertInvalid("count", () -> schedules.preview("0 * * * *", null, 101));
        assertInvalid("time_zone", () -> schedules.preview("0 * * * *", "Nowhere/City", 1));
        assertInvalid("cron", () -> schedules.preview("0 0 * *", null, 1));
        assertInvalid("cron", () -> schedules.preview(null, null, 1));
        assertThat(store.advances()).isZero();
        assertThat(schedules.list(PageRequest.first(10)).await().indefinitely()).isEmpty();
    }

    @Test
    void a_workflow_schedule_is_accepted_with_a_workflow_template() {
        Schedule schedule = create(ScheduleSpec.of("nightly", null, "0 * * * *", "Europe/Berlin", "workflow",
                Map.of("name", "nightly", "task_payloads", List.of(Map.of("n", 1))), true, "fire_once"));

        assertThat(schedule.target()).isEqualTo(ScheduleTarget.WORKFLOW);
    }
}
