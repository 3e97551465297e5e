package io.clawbot.coordinator.domain.task;

import static io.clawbot.coordinator.domain.testing.Tasks.aTask;
import static io.clawbot.coordinator.domain.testing.Times.T0;
import static io.clawbot.coordinator.domain.testing.Times.T1;
import static io.clawbot.coordinator.domain.testing.Times.T2;
import static io.clawbot.coordinator.domain.testing.Times.T3;
import static io.clawbot.coordinator.domain.testing.Times.T4;
import static io.clawbot.coordinator.domain.testing.Transitions.changed;
import static io.clawbot.coordinator.domain.testing.Transitions.rejected;
import static io.clawbot.coordinator.domain.testing.Transitions.unchanged;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.testing.Bots;
import io.clawbot.coordinator.domain.testing.Ids;
import io.clawbot.coordinator.domain.testing.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Execution and schedule-to-start timeouts, lost leases and delayed tasks, on a fixed clock. */
class TaskTimeoutTest {

    /** Three attempts; waits of 10 s, 20 s, ... up to 60 s; no jitter. */
    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofSeconds(10), 2.0, Duration.ofSeconds(60), 0,
            Set.of());

    /** The execution deadline {@link Tasks#inProgressOn} gives a task started at T2 with a 300 s timeout. */
    private static final Instant RUN_DEADLINE = T2.plusSeconds(300);

    private final Bot renderer = Bots.aBot().withCapabilities("render").online(T0).build();

    private static TaskSpec spec(int timeoutSeconds, Integer scheduleToStart, Instant runAt, Duration delay) {
        return new TaskSpec("render", 0, Map.of("input", "scene-1"), timeoutSeconds, null, scheduleToStart, runAt,
                delay);
    }

    private Fence fenceOf(Task task) {
        return new Fence(task.attempt(), task.botId());
    }

    @Nested
    class StartAndComplete {

        @Test
        void starting_sets_the_execution_deadline_to_start_plus_the_timeout() {
            Task task = Task.create(Ids.taskId(), spec(60, null, null, null), T0);
            Task assigned = changed(task.assign(renderer, T1));
            assertThat(assigned.deadlineAt()).isNull();

            Task started = changed(assigned.start(fenceOf(assigned), T2));

            assertThat(started.deadlineAt()).isEqualTo(T2.plusSeconds(60));
        }

        @Test
        void assigning_clears_the_schedule_to_start_deadline() {
            Task task = Task.create(Ids.taskId(), spec(60, 30, null, null), T0);
            assertThat(task.deadlineAt()).isEqualTo(T0.plusSeconds(30));

            assertThat(changed(task.assign(renderer, T1)).deadlineAt()).isNull();
        }

        @Test
        void a_repeated_start_keeps_the_first_deadline() {
            Task running = aTask().inProgressOn(renderer, 1).build();

            assertThat(unchanged(running.start(fenceOf(running), T4)).deadlineAt()).isEqualTo(RUN_DEADLINE);
        }

        @Test
        void completing_clears_the_deadline_and_the_error_of_an_earlier_attempt() {
            Task task = Task.create(Ids.taskId(), spec(60, null, null, null), POLICY, T0);
            Task first = changed(task.assign(renderer, T1));
            Task retried = changed(first.fail(fenceOf(first), "flaky", "net_down", T1, 0));
            Task second = changed(retried.assign(renderer, T2));
            Task running = changed(second.start(fenceOf(second), T3));
            assertThat(running.error()).isEqualTo("flaky");
            assertThat(running.errorCode()).isEqualTo("net_down");
            assertThat(running.deadlineAt()).isEqualTo(T3.plusSeconds(60));

            Task completed = changed(running.complete(fenceOf(running), Map.of("ok", true), T4));

            assertThat(completed.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(completed.deadlineAt()).isNull();
            assertThat(completed.error()).isNull();
            assertThat(completed.errorCode()).isNull();
            assertThat(completed.isDeadLetter()).isFalse();
            assertThat(completed.attempt()).isEqualTo(2);
        }
    }

    @Nested
    class TimeOut {

        @Test
        void a_running_task_before_its_deadline_is_not_timed_out() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();

            assertThat(rejected(running.timeOut(RUN_DEADLINE.minusMillis(1), 0))).isEqualTo(
                    "Task " + running.id() + " is in_progress and not past an execution deadline");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "PENDING", "ASSIGNED", "COMPLETED", "FAILED",
                "TIMED_OUT", "CANCELLED" })
        void only_a_running_task_can_time_out(TaskStatus status) {
            Task task = Tasks.inState(status, renderer).deadlineAt(T1).build();

            assertThat(rejected(task.timeOut(T4, 0)))
                    .isEqualTo("Task " + task.id() + " is " + status.wire() + " and not past an execution deadline");
        }

        @Test
        void a_running_task_without_a_deadline_is_not_timed_out() {
            Task running = aTask().inProgressOn(renderer, 1).deadlineAt(null).build();

            assertThat(rejected(running.timeOut(T4, 0))).contains("not past an execution deadline");
        }

        @Test
        void past_its_deadline_with_retries_left_it_goes_back_to_pending_after_a_backoff() {
            Task running = aTask().inProgressOn(renderer, 2).retry(POLICY).build();
            Instant now = RUN_DEADLINE.plusSeconds(7);

            Task retried = changed(running.timeOut(now, 0));

            assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(retried.errorCode()).isEqualTo("execution_timeout");
            assertThat(retried.error()).isEqualTo(
                    "execution_timeout: attempt 2 ran longer than its timeout of 300 s (exceeded by 7.0 s)");
            assertThat(retried.botId()).isNull();
            assertThat(retried.startedAt()).isNull();
            assertThat(retried.attempt()).isEqualTo(2);
            // second retry: 10 s * 2
            assertThat(retried.runAt()).isEqualTo(now.plusSeconds(20));
            assertThat(retried.deadlineAt()).isNull();
            assertThat(retried.updatedAt()).isEqualTo(now);
        }

        @Test
        void a_timed_out_retry_gets_a_schedule_to_start_deadline_after_its_backoff() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).scheduleToStart(50).build();
            Instant now = RUN_DEADLINE.plusSeconds(1);

            Task retried = changed(running.timeOut(now, 0));

            assertThat(retried.runAt()).isEqualTo(now.plusSeconds(10));
            assertThat(retried.deadlineAt()).isEqualTo(now.plusSeconds(10 + 50));
        }

        @Test
        void on_its_last_attempt_it_times_out_naming_the_timeout_and_by_how_much_it_was_exceeded() {
            Task running = aTask().inProgressOn(renderer, 3).retry(POLICY).build();
            Instant now = RUN_DEADLINE.plusMillis(12_500);

            Task timedOut = changed(running.timeOut(now, 0));

            assertThat(timedOut.status()).isEqualTo(TaskStatus.TIMED_OUT);
            assertThat(timedOut.isDeadLetter()).isTrue();
            assertThat(timedOut.errorCode()).isEqualTo("execution_timeout");
            assertThat(timedOut.error()).isEqualTo(
                    "execution_timeout: attempt 3 ran longer than its timeout of 300 s (exceeded by 12.5 s)");
            assertThat(timedOut.botId()).isEqualTo(renderer.id());
            assertThat(timedOut.attempt()).isEqualTo(3);
            assertThat(timedOut.startedAt()).isEqualTo(T2);
            assertThat(timedOut.completedAt()).isEqualTo(now);
            assertThat(timedOut.deadlineAt()).isNull();
            assertThat(timedOut.runAt()).isNull();
        }

        @Test
        void at_the_very_deadline_it_times_out_exceeded_by_zero() {
            Task running = aTask().inProgressOn(renderer, 1).build();

            Task timedOut = changed(running.timeOut(RUN_DEADLINE, 0));

            assertThat(timedOut.status()).isEqualTo(TaskStatus.TIMED_OUT);
            assertThat(timedOut.error()).endsWith("(exceeded by 0.0 s)");
        }

        @Test
        void the_execution_timeout_may_be_made_non_retryable() {
            RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0,
                    Set.of("execution_timeout"));
            Task running = aTask().inProgressOn(renderer, 1).retry(policy).build();

            assertThat(changed(running.timeOut(RUN_DEADLINE.plusSeconds(1), 0)).status())
                    .isEqualTo(TaskStatus.TIMED_OUT);
        }

        @Test
        void the_bots_late_report_for_a_timed_out_attempt_is_stale_after_reassignment() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();
            Task retried = changed(running.timeOut(RUN_DEADLINE.plusSeconds(1), 0));
            Task again = changed(retried.assign(renderer, RUN_DEADLINE.plusSeconds(20)));

            assertThat(rejected(again.complete(new Fence(1, renderer.id()), Map.of(), RUN_DEADLINE.plusSeconds(21))))
                    .isEqualTo("Stale attempt 1 for task " + again.id() + "; the current attempt is 2");
        }
    }

    @Nested
    class ExpireStartWindow {

        @Test
        void a_pending_task_past_its_deadline_times_out_without_having_started() {
            Task pending = aTask().scheduleToStart(30).deadlineAt(T3).build();
            Instant now = T3.plusSeconds(5);

            Task timedOut = changed(pending.expireStartWindow(now));

            assertThat(timedOut.status()).isEqualTo(TaskStatus.TIMED_OUT);
            assertThat(timedOut.isDeadLetter()).isTrue();
            assertThat(timedOut.errorCode()).isEqualTo("schedule_to_start_timeout");
            assertThat(timedOut.error()).isEqualTo("schedule_to_start_timeout: no bot started it within its "
                    + "schedule-to-start limit of 30 s (exceeded by 5.0 s)");
            assertThat(timedOut.startedAt()).isNull();
            assertThat(timedOut.completedAt()).isEqualTo(now);
            assertThat(timedOut.updatedAt()).isEqualTo(now);
            assertThat(timedOut.deadlineAt()).isNull();
            assertThat(timedOut.botId()).isNull();
            assertThat(timedOut.attempt()).isZero();
        }

        @Test
        void no_retry_follows_even_with_attempts_left() {
            Task pending = aTask().maxAttempts(5).scheduleToStart(30).deadlineAt(T3).build();

            assertThat(changed(pending.expireStartWindow(T4)).status()).isEqualTo(TaskStatus.TIMED_OUT);
        }

        @Test
        void a_task_created_with_a_limit_expires_at_its_deadline() {
            Task task = Task.create(Ids.taskId(), spec(60, 30, null, null), T0);

            assertThat(rejected(task.expireStartWindow(T0.plusSeconds(30).minusMillis(1)))).isEqualTo(
                    "Task " + task.id() + " is pending and not past a schedule-to-start deadline");
            Task timedOut = changed(task.expireStartWindow(T0.plusSeconds(30)));
            assertThat(timedOut.error()).endsWith("limit of 30 s (exceeded by 0.0 s)");
        }

        @Test
        void a_pending_task_before_its_deadline_is_rejected() {
            Task pending = aTask().scheduleToStart(30).deadlineAt(T3).build();

            assertThat(rejected(pending.expireStartWindow(T2))).isEqualTo(
                    "Task " + pending.id() + " is pending and not past a schedule-to-start deadline");
        }

        @Test
        void a_pending_task_without_a_deadline_never_expires() {
            Task pending = aTask().build();

            assertThat(rejected(pending.expireStartWindow(T4.plus(Duration.ofDays(30)))))
                    .isEqualTo("Task " + pending.id() + " is pending and not past a schedule-to-start deadline");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "ASSIGNED", "IN_PROGRESS", "COMPLETED", "FAILED",
                "TIMED_OUT", "CANCELLED" })
        void only_a_pending_task_can_miss_its_start_window(TaskStatus status) {
            Task task = Tasks.inState(status, renderer).scheduleToStart(5).deadlineAt(T1).build();

            assertThat(rejected(task.expireStartWindow(T4))).isEqualTo(
                    "Task " + task.id() + " is " + status.wire() + " and not past a schedule-to-start deadline");
        }
    }

    @Nested
    class ReleaseLease {

        @Test
        void an_assigned_task_whose_bot_did_not_accept_in_time_is_retried_at_once_as_an_ack_timeout() {
            Task assigned = aTask().assignedTo(renderer, 1).retry(POLICY).leaseExpiresAt(T4.minusSeconds(4)).build();

            Task released = changed(assigned.releaseLease(T4));

            assertThat(released.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(released.errorCode()).isEqualTo("ack_timeout");
            assertThat(released.error()).isEqualTo(
                    "ack_timeout: bot " + renderer.id() + " did not accept attempt 1 in time (lapsed 4.0 s ago)");
            assertThat(released.runAt()).isNull();
            assertThat(released.deadlineAt()).isNull();
            assertThat(released.leaseExpiresAt()).isNull();
            assertThat(released.botId()).isNull();
            assertThat(released.attempt()).isEqualTo(1);
        }

        @Test
        void a_running_task_whose_bot_went_silent_is_retried_at_once_as_an_expired_lease() {
            Task running = aTask().inProgressOn(renderer, 2).retry(POLICY).leaseExpiresAt(T3).build();

            Task released = changed(running.releaseLease(T3.plusMillis(10_400)));

            assertThat(released.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(released.errorCode()).isEqualTo("lease_expired");
            assertThat(released.error()).isEqualTo(
                    "lease_expired: bot " + renderer.id() + " went silent during attempt 2 (lapsed 10.4 s ago)");
            assertThat(released.runAt()).as("no backoff after a lost lease").isNull();
            assertThat(released.deadlineAt()).as("the execution deadline is gone").isNull();
        }

        @Test
        void a_released_task_with_a_schedule_to_start_limit_counts_it_from_now() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).scheduleToStart(15).build();

            assertThat(changed(running.releaseLease(T4)).deadlineAt()).isEqualTo(T4.plusSeconds(15));
        }

        @Test
        void without_a_known_lease_expiry_the_error_does_not_say_when_it_lapsed() {
            Task assigned = aTask().assignedTo(renderer, 1).retry(POLICY).build();

            assertThat(changed(assigned.releaseLease(T4)).error())
                    .isEqualTo("ack_timeout: bot " + renderer.id() + " did not accept attempt 1 in time");
        }

        @Test
        void a_lease_released_before_it_lapsed_does_not_say_when_it_lapsed() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).leaseExpiresAt(T4.plusSeconds(5)).build();

            assertThat(changed(running.releaseLease(T4)).error())
                    .isEqualTo("lease_expired: bot " + renderer.id() + " went silent during attempt 1");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "ASSIGNED", "IN_PROGRESS" })
        void without_retries_left_the_task_times_out(TaskStatus status) {
            Task held = Tasks.inState(status, renderer).attempt(3).retry(POLICY).leaseExpiresAt(T3).build();

            Task timedOut = changed(held.releaseLease(T4));

            assertThat(timedOut.status()).isEqualTo(TaskStatus.TIMED_OUT);
            assertThat(timedOut.isDeadLetter()).isTrue();
            assertThat(timedOut.errorCode())
                    .isEqualTo(status == TaskStatus.ASSIGNED ? "ack_timeout" : "lease_expired");
            assertThat(timedOut.error()).endsWith("attempt 3" + (status == TaskStatus.ASSIGNED ? " in time" : "")
                    + " (lapsed 10.0 s ago)");
            assertThat(timedOut.completedAt()).isEqualTo(T4);
            assertThat(timedOut.deadlineAt()).isNull();
            assertThat(timedOut.leaseExpiresAt()).isNull();
            assertThat(timedOut.botId()).isEqualTo(renderer.id());
        }

        @Test
        void a_non_retryable_lease_code_ends_the_task_at_once() {
            RetryPolicy policy = new RetryPolicy(5, Duration.ZERO, 1.0, Duration.ZERO, 0, Set.of("lease_expired"));
            Task running = aTask().inProgressOn(renderer, 1).retry(policy).build();
            Task assigned = aTask().assignedTo(renderer, 1).retry(policy).build();

            assertThat(changed(running.releaseLease(T4)).status()).isEqualTo(TaskStatus.TIMED_OUT);
            assertThat(changed(assigned.releaseLease(T4)).status()).isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void a_lost_lease_spends_an_attempt() {
            Task task = aTask().maxAttempts(2).build();

            Task first = changed(task.assign(renderer, T1));
            Task second = changed(changed(first.releaseLease(T2)).assign(renderer, T3));
            Task timedOut = changed(second.releaseLease(T4));

            assertThat(second.attemptsMade()).isEqualTo(2);
            assertThat(timedOut.status()).isEqualTo(TaskStatus.TIMED_OUT);
            assertThat(timedOut.attempt()).isEqualTo(2);
        }
    }

    @Nested
    class DelayedCreation {

        @Test
        void a_delay_sets_run_at_to_now_plus_the_delay() {
            Task task = Task.create(Ids.taskId(), spec(60, null, null, Duration.ofSeconds(90)), T0);

            assertThat(task.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(task.runAt()).isEqualTo(T0.plusSeconds(90));
            assertThat(task.deadlineAt()).isNull();
        }

        @Test
        void a_zero_delay_runs_at_once() {
            Task task = Task.create(Ids.taskId(), spec(60, null, null, Duration.ZERO), T0);

            assertThat(task.runAt()).isEqualTo(T0);
        }

        @Test
        void run_at_is_kept_as_given() {
            Instant at = T0.plus(Duration.ofHours(3));

            Task task = Task.create(Ids.taskId(), spec(60, null, at, null), T0);

            assertThat(task.runAt()).isEqualTo(at);
            assertThat(task.deadlineAt()).isNull();
        }

        @Test
        void without_delay_or_run_at_a_task_runs_at_once() {
            Task task = Task.create(Ids.taskId(), spec(60, 30, null, null), T0);

            assertThat(task.runAt()).isNull();
            assertThat(task.deadlineAt()).isEqualTo(T0.plusSeconds(30));
        }

        @Test
        void the_schedule_to_start_limit_of_a_delayed_task_counts_from_its_run_at() {
            Task delayed = Task.create(Ids.taskId(), spec(60, 30, null, Duration.ofSeconds(90)), T0);
            Task scheduled = Task.create(Ids.taskId(), spec(60, 30, T4, null), T0);

            assertThat(delayed.deadlineAt()).isEqualTo(T0.plusSeconds(90 + 30));
            assertThat(scheduled.deadlineAt()).isEqualTo(T4.plusSeconds(30));
        }

        @Test
        void the_schedule_to_start_limit_of_a_task_with_a_past_run_at_counts_from_now() {
            Task task = Task.create(Ids.taskId(), spec(60, 30, T0.minusSeconds(100), null), T0);

            assertThat(task.runAt()).isEqualTo(T0.minusSeconds(100));
            assertThat(task.deadlineAt()).isEqualTo(T0.plusSeconds(30));
        }

        @Test
        void a_ready_step_gets_its_deadline_at_creation() {
            Task step = Task.createStep(Ids.taskId(), spec(60, 30, null, null), Ids.workflowId(), 0, true, T0);

            assertThat(step.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(step.deadlineAt()).isEqualTo(T0.plusSeconds(30));
        }

        @Test
        void a_waiting_step_has_no_deadline_until_it_is_made_ready() {
            Task step = Task.createStep(Ids.taskId(), spec(60, 30, null, null), Ids.workflowId(), 1, false, T0);
            assertThat(step.status()).isEqualTo(TaskStatus.WAITING);
            assertThat(step.deadlineAt()).isNull();

            Task ready = changed(step.makeReady(T3));

            assertThat(ready.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(ready.deadlineAt()).isEqualTo(T3.plusSeconds(30));
        }

        @Test
        void a_waiting_step_made_ready_before_its_run_at_counts_its_limit_from_the_run_at() {
            Instant at = T4.plusSeconds(100);
            Task step = Task.createStep(Ids.taskId(), spec(60, 30, at, null), Ids.workflowId(), 1, false, T0);

            Task ready = changed(step.makeReady(T3));

            assertThat(ready.runAt()).isEqualTo(at);
            assertThat(ready.deadlineAt()).isEqualTo(at.plusSeconds(30));
        }

        @Test
        void a_waiting_step_without_a_limit_gets_no_deadline_when_ready() {
            Task step = Task.createStep(Ids.taskId(), spec(60, null, null, null), Ids.workflowId(), 1, false, T0);

            assertThat(changed(step.makeReady(T3)).deadlineAt()).isNull();
        }

        @Test
        void the_clients_retry_choices_are_laid_over_the_default_policy() {
            TaskSpec spec = new TaskSpec("render", 0, Map.of(), 60,
                    new RetryPolicy.Overrides(7, null, null, 120.0, null, null), null, null, null);

            Task task = Task.create(Ids.taskId(), spec, T0);

            assertThat(task.retry()).isEqualTo(new RetryPolicy(7, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(120),
                    0.2, Set.of()));
            assertThat(Task.create(Ids.taskId(), spec(60, null, null, null), T0).retry())
                    .isEqualTo(RetryPolicy.DEFAULT);
        }

        @Test
        void a_given_policy_is_used_as_it_is() {
            Task task = Task.create(Ids.taskId(), spec(60, null, null, null), POLICY, T0);

            assertThat(task.retry()).isSameAs(POLICY);
        }
    }
}
