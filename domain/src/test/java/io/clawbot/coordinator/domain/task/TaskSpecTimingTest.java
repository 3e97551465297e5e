package io.clawbot.coordinator.domain.task;

import static io.clawbot.coordinator.domain.testing.Times.T0;
import static io.clawbot.coordinator.domain.testing.Times.T4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.testing.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The timing and retry choices of a {@link TaskSpec}: delay, run_at, schedule_to_start and retry overrides. */
class TaskSpecTimingTest {

    private static final int SEVEN_DAYS = 604_800;

    private static TaskSpec timed(RetryPolicy.Overrides retry, Integer scheduleToStart, Instant runAt,
            Duration delay) {
        return new TaskSpec("render", 5, Map.of("scene", 1), 120, retry, scheduleToStart, runAt, delay);
    }

    @Test
    void the_longest_wait_is_seven_days() {
        assertThat(TaskSpec.MAX_WAIT_SECONDS).isEqualTo(SEVEN_DAYS);
    }

    @Test
    void the_short_constructor_and_of_leave_every_timing_choice_out() {
        TaskSpec spec = TaskSpec.of("render", null, null, null);

        assertThat(spec.retry()).isNull();
        assertThat(spec.scheduleToStartSeconds()).isNull();
        assertThat(spec.runAt()).isNull();
        assertThat(spec.delay()).isNull();
    }

    @Nested
    class RunAtAndDelay {

        @Test
        void run_at_together_with_a_delay_is_rejected_as_delay_seconds() {
            assertThatThrownBy(() -> timed(null, null, T4, Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("delay_seconds");
                        assertThat(e.getMessage()).isEqualTo("delay_seconds: must not be given together with run_at");
                    });
        }

        @Test
        void even_a_zero_delay_may_not_come_with_run_at() {
            assertThatThrownBy(() -> timed(null, null, T4, Duration.ZERO))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("delay_seconds"));
        }

        @Test
        void run_at_alone_is_kept_whether_past_or_future() {
            assertThat(timed(null, null, T4, null).runAt()).isEqualTo(T4);
            assertThat(timed(null, null, T0.minusSeconds(3600), null).runAt()).isEqualTo(T0.minusSeconds(3600));
        }

        @ParameterizedTest
        @ValueSource(longs = { 0, 1, 3600, SEVEN_DAYS })
        void a_delay_from_zero_to_seven_days_is_accepted(long seconds) {
            assertThat(timed(null, null, null, Duration.ofSeconds(seconds)).delay())
                    .isEqualTo(Duration.ofSeconds(seconds));
        }

        @Test
        void a_fractional_delay_is_kept() {
            assertThat(timed(null, null, null, Duration.ofMillis(1_500)).delay()).isEqualTo(Duration.ofMillis(1_500));
        }

        @Test
        void a_negative_delay_or_one_beyond_seven_days_is_rejected() {
            for (Duration delay : List.of(Duration.ofSeconds(-1), Duration.ofNanos(-1),
                    Duration.ofSeconds(SEVEN_DAYS + 1), Duration.ofSeconds(SEVEN_DAYS).plusNanos(1))) {
                assertThatThrownBy(() -> timed(null, null, null, delay)).as("delay %s", delay)
                        .isInstanceOfSatisfying(ValidationException.class, e -> {
                            assertThat(e.field()).isEqualTo("delay_seconds");
                            assertThat(e.getMessage()).isEqualTo("delay_seconds: must be between 0 and 604800");
                        });
            }
        }
    }

    @Nested
    class ScheduleToStart {

        @ParameterizedTest
        @ValueSource(ints = { 1, 60, SEVEN_DAYS })
        void a_limit_from_one_second_to_seven_days_is_accepted(int seconds) {
            assertThat(timed(null, seconds, null, null).scheduleToStartSeconds()).isEqualTo(seconds);
        }

        @Test
        void no_limit_is_accepted() {
            assertThat(timed(null, null, null, null).scheduleToStartSeconds()).isNull();
        }

        @ParameterizedTest
        @ValueSource(ints = { 0, -1, SEVEN_DAYS + 1, Integer.MIN_VALUE, Integer.MAX_VALUE })
        void a_limit_out_of_range_is_rejected(int seconds) {
            assertThatThrownBy(() -> timed(null, seconds, null, null))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("schedule_to_start_seconds");
                        assertThat(e.getMessage()).isEqualTo("schedule_to_start_seconds: must be between 1 and 604800");
                    });
        }
    }

    @Nested
    class WithTiming {

        private final TaskSpec base = TaskSpec.of("render", 5, Map.of("scene", 1), 120);

        @Test
        void the_timing_choices_are_set_and_the_rest_is_kept() {
            RetryPolicy.Overrides retry = new RetryPolicy.Overrides(4, null, null, null, null, null);

            TaskSpec spec = base.withTiming(retry, 30, null, Duration.ofSeconds(15));

            assertThat(spec).isEqualTo(new TaskSpec("render", 5, Map.of("scene", 1), 120, retry, 30, null,
                    Duration.ofSeconds(15)));
        }

        @Test
        void the_timing_choices_are_validated_too() {
            assertThatThrownBy(() -> base.withTiming(null, null, T4, Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("delay_seconds"));
            assertThatThrownBy(() -> base.withTiming(null, 0, null, null))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("schedule_to_start_seconds"));
        }
    }

    @Nested
    class Retry {

        @Test
        void the_retry_overrides_are_kept_as_given() {
            RetryPolicy.Overrides retry = new RetryPolicy.Overrides(5, 0.5, 1.5, 30.0, 0.1, List.of("bad_input"));

            assertThat(timed(retry, null, null, null).retry()).isEqualTo(retry);
        }

        @Test
        void a_task_created_from_the_spec_applies_its_overrides() {
            TaskSpec spec = timed(new RetryPolicy.Overrides(5, 0.5, 1.5, 30.0, 0.1, List.of("bad_input")), null, null,
                    null);

            RetryPolicy policy = Task.create(Ids.taskId(), spec, T0).retry();

            assertThat(policy).isEqualTo(new RetryPolicy(5, Duration.ofMillis(500), 1.5, Duration.ofSeconds(30), 0.1,
                    java.util.Set.of("bad_input")));
        }

        @Test
        void invalid_overrides_are_rejected_when_the_task_is_created_naming_the_retry_field() {
            TaskSpec attempts = timed(new RetryPolicy.Overrides(0, null, null, null, null, null), null, null, null);
            TaskSpec backoffs = timed(new RetryPolicy.Overrides(null, 60.0, null, 30.0, null, null), null, null, null);
            TaskSpec codes = timed(new RetryPolicy.Overrides(null, null, null, null, null, List.of("not a token")),
                    null, null, null);

            assertThatThrownBy(() -> Task.create(Ids.taskId(), attempts, T0))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("retry.max_attempts"));
            assertThatThrownBy(() -> Task.create(Ids.taskId(), backoffs, T0))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("retry.max_backoff_seconds"));
            assertThatThrownBy(() -> Task.create(Ids.taskId(), codes, T0))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("retry.non_retryable_errors"));
        }

        @Test
        void a_workflow_step_applies_its_overrides_as_well() {
            TaskSpec spec = timed(new RetryPolicy.Overrides(9, null, null, null, null, null), null, null, null);

            Task step = Task.createStep(Ids.taskId(), spec, Ids.workflowId(), 0, false, T0);

            assertThat(step.retry().maxAttempts()).isEqualTo(9);
            assertThat(step.retry().initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        }
    }
}
