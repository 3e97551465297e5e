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
import static org.assertj.core.api.Assertions.within;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.testing.Bots;
import io.clawbot.coordinator.domain.testing.Ids;
import io.clawbot.coordinator.domain.testing.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Retries after a failure, the dead-letter states, hand-backs and redrives, on a fixed clock. */
class TaskRetryTest {

    /** Four attempts; waits of 10 s, 30 s, then capped at 60 s; up to half of a wait taken off by jitter. */
    private static final RetryPolicy POLICY = new RetryPolicy(4, Duration.ofSeconds(10), 3.0, Duration.ofSeconds(60),
            0.5, Set.of("bad_input"));

    /** The largest double below 1: the far end of the jitter. */
    private static final double ALMOST_ONE = Math.nextDown(1.0);

    private final Bot renderer = Bots.aBot().withCapabilities("render").online(T0).build();
    private final Bot other = Bots.aBot().withCapabilities("render").online(T0).build();

    private Fence fenceOf(Task task) {
        return new Fence(task.attempt(), task.botId());
    }

    @Nested
    class FailWithRetriesLeft {

        @Test
        void a_failure_with_retries_left_goes_back_to_pending_without_a_bot_and_keeps_its_attempt() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).version(4).build();

            Task retried = changed(running.fail(new Fence(1, renderer.id()), "out of memory", "gpu_oom", T3, 0));

            assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(retried.isDeadLetter()).isFalse();
            assertThat(retried.botId()).isNull();
            assertThat(retried.assignedAt()).isNull();
            assertThat(retried.startedAt()).isNull();
            assertThat(retried.completedAt()).isNull();
            assertThat(retried.result()).isNull();
            assertThat(retried.attempt()).isEqualTo(1);
            assertThat(retried.attemptsMade()).isEqualTo(1);
            assertThat(retried.error()).isEqualTo("out of memory");
            assertThat(retried.errorCode()).isEqualTo("gpu_oom");
            assertThat(retried.updatedAt()).isEqualTo(T3);
            assertThat(retried.createdAt()).isEqualTo(T0);
            assertThat(retried.version()).isEqualTo(4);
            assertThat(retried.retry()).isEqualTo(POLICY);
        }

        @Test
        void with_random_zero_the_retry_waits_the_full_backoff() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();

            Task retried = changed(running.fail(fenceOf(running), "boom", "e1", T3, 0));

            assertThat(retried.runAt()).isEqualTo(T3.plusSeconds(10));
        }

        @Test
        void with_random_near_one_the_wait_is_shortened_by_the_whole_jitter() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();

            Task retried = changed(running.fail(fenceOf(running), "boom", "e1", T3, ALMOST_ONE));

            // 10 s * (1 - 0.5)
            assertThat(retried.runAt()).isCloseTo(T3.plusSeconds(5), within(1, ChronoUnit.MILLIS));
        }

        @Test
        void a_random_in_the_middle_takes_that_share_of_the_jitter_off() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();

            Task retried = changed(running.fail(fenceOf(running), "boom", "e1", T3, 0.5));

            // 10 s * (1 - 0.5 * 0.5)
            assertThat(retried.runAt()).isEqualTo(T3.plusMillis(7_500));
        }

        @Test
        void the_default_policy_waits_one_second_less_its_twenty_percent_jitter() {
            Task running = aTask().inProgressOn(renderer, 1).retry(RetryPolicy.DEFAULT).build();

            Task full = changed(running.fail(fenceOf(running), "boom", null, T3, 0));
            Task shortest = changed(running.fail(fenceOf(running), "boom", null, T3, ALMOST_ONE));

            assertThat(full.runAt()).isEqualTo(T3.plusSeconds(1));
            assertThat(shortest.runAt()).isCloseTo(T3.plusMillis(800), within(1, ChronoUnit.MILLIS));
        }

        @ParameterizedTest(name = "after attempt {0} the wait is {1} s")
        @CsvSource({ "1, 10", "2, 30", "3, 60" })
        void the_wait_grows_by_the_multiplier_up_to_the_cap(int attempt, long seconds) {
            Task running = aTask().inProgressOn(renderer, attempt).retry(POLICY).build();

            Task retried = changed(running.fail(fenceOf(running), "boom", "e1", T3, 0));

            assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(retried.runAt()).isEqualTo(T3.plusSeconds(seconds));
        }

        @Test
        void a_retry_without_a_schedule_to_start_limit_has_no_deadline() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();

            assertThat(running.deadlineAt()).isNotNull();
            assertThat(changed(running.fail(fenceOf(running), "boom", "e1", T3, 0)).deadlineAt()).isNull();
        }

        @Test
        void the_schedule_to_start_limit_of_a_retry_counts_from_the_end_of_its_backoff() {
            Task running = aTask().inProgressOn(renderer, 2).retry(POLICY).scheduleToStart(100).build();

            Task retried = changed(running.fail(fenceOf(running), "boom", "e1", T3, 0));

            assertThat(retried.runAt()).isEqualTo(T3.plusSeconds(30));
            assertThat(retried.deadlineAt()).isEqualTo(T3.plusSeconds(30 + 100));
        }

        @Test
        void without_a_backoff_the_schedule_to_start_limit_counts_from_now() {
            RetryPolicy immediate = new RetryPolicy(3, Duration.ZERO, 1.0, Duration.ZERO, 0, Set.of());
            Task running = aTask().inProgressOn(renderer, 1).retry(immediate).scheduleToStart(100).build();

            Task retried = changed(running.fail(fenceOf(running), "boom", "e1", T3, 0.7));

            assertThat(retried.runAt()).isEqualTo(T3);
            assertThat(retried.deadlineAt()).isEqualTo(T3.plusSeconds(100));
        }

        @Test
        void a_failure_without_an_error_code_is_retried() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();

            Task retried = changed(running.fail(fenceOf(running), "no code", T3));

            assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(retried.errorCode()).isNull();
            assertThat(retried.error()).isEqualTo("no code");
            assertThat(retried.runAt()).isEqualTo(T3.plusSeconds(10));
        }

        @Test
        void an_assigned_task_that_fails_before_starting_is_retried_too() {
            Task assigned = aTask().assignedTo(renderer, 1).retry(POLICY).build();

            Task retried = changed(assigned.fail(fenceOf(assigned), "no GPU", "no_gpu", T3, 0));

            assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(retried.runAt()).isEqualTo(T3.plusSeconds(10));
        }

        @Test
        void the_retried_task_is_assigned_again_as_a_new_attempt_and_the_old_fence_is_stale() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();
            Task retried = changed(running.fail(new Fence(1, renderer.id()), "boom", "e1", T3, 0));

            Task again = changed(retried.assign(other, T4));

            assertThat(again.attempt()).isEqualTo(2);
            assertThat(again.attemptsMade()).isEqualTo(2);
            assertThat(again.botId()).isEqualTo(other.id());
            assertThat(rejected(again.fail(new Fence(1, renderer.id()), "late", "e1", T4, 0)))
                    .isEqualTo("Stale attempt 1 for task " + again.id() + "; the current attempt is 2");
        }

        @Test
        void an_operator_repeat_of_the_failure_that_sent_it_back_changes_nothing() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();
            Task retried = changed(running.fail(new Fence(1, renderer.id()), "boom", "e1", T3, 0));

            Task repeat = unchanged(retried.fail(new Fence(1, null), "boom again", "e2", T4, 0));

            assertThat(repeat).isSameAs(retried);
            assertThat(repeat.error()).isEqualTo("boom");
        }

        @Test
        void a_bots_repeat_of_the_failure_that_sent_it_back_changes_nothing() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();
            Task retried = changed(running.fail(new Fence(1, renderer.id()), "boom", "e1", T3, 0));

            Task repeat = unchanged(retried.fail(new Fence(1, renderer.id()), "boom", "e1", T4, 0));

            assertThat(repeat).isSameAs(retried);
        }

        @Test
        void a_late_fail_for_an_attempt_that_timed_out_is_not_taken_for_a_repeat() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();
            Task retried = changed(running.timeOut(running.deadlineAt().plusSeconds(1), 0));

            assertThat(rejected(retried.fail(new Fence(1, renderer.id()), "too late", "e1", T4, 0)))
                    .isEqualTo("Task " + retried.id() + " is not assigned to bot " + renderer.id());
        }

        @Test
        void a_late_fail_for_an_attempt_whose_lease_lapsed_is_not_taken_for_a_repeat() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();
            Task released = changed(running.releaseLease(T3));

            assertThat(rejected(released.fail(new Fence(1, null), "too late", "e1", T4, 0)))
                    .isEqualTo("Task " + released.id() + " is pending; only an assigned or running task can fail");
        }

        @Test
        void a_fail_for_a_pending_task_that_was_never_assigned_is_rejected() {
            Task pending = aTask().build();

            assertThat(rejected(pending.fail(new Fence(0, null), "boom", "e1", T4, 0)))
                    .isEqualTo("Task " + pending.id() + " is pending; only an assigned or running task can fail");
        }

        @Test
        void a_fail_with_a_later_attempt_for_a_task_waiting_to_retry_is_rejected() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();
            Task retried = changed(running.fail(new Fence(1, renderer.id()), "boom", "e1", T3, 0));

            assertThat(rejected(retried.fail(new Fence(2, null), "boom", "e1", T4, 0)))
                    .isEqualTo("Stale attempt 2 for task " + retried.id() + "; the current attempt is 1");
        }
    }

    @Nested
    class FailWithoutRetry {

        @Test
        void a_failure_on_the_last_attempt_ends_the_task_as_failed() {
            Task running = aTask().inProgressOn(renderer, 4).retry(POLICY).build();

            Task failed = changed(running.fail(new Fence(4, renderer.id()), "out of memory", "gpu_oom", T3, 0));

            assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(failed.isDeadLetter()).isTrue();
            assertThat(failed.error()).isEqualTo("out of memory");
            assertThat(failed.errorCode()).isEqualTo("gpu_oom");
            assertThat(failed.botId()).isEqualTo(renderer.id());
            assertThat(failed.attempt()).isEqualTo(4);
            assertThat(failed.startedAt()).isEqualTo(T2);
            assertThat(failed.completedAt()).isEqualTo(T3);
            assertThat(failed.updatedAt()).isEqualTo(T3);
            assertThat(failed.deadlineAt()).isNull();
            assertThat(failed.runAt()).isNull();
        }

        @Test
        void a_non_retryable_error_code_ends_the_task_at_once_with_attempts_left() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();

            Task failed = changed(running.fail(fenceOf(running), "malformed scene", "bad_input", T3, 0));

            assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(failed.attempt()).isEqualTo(1);
            assertThat(failed.errorCode()).isEqualTo("bad_input");
            assertThat(failed.runAt()).isNull();
        }

        @Test
        void an_error_code_that_only_resembles_a_non_retryable_one_is_retried() {
            Task running = aTask().inProgressOn(renderer, 1).retry(POLICY).build();

            assertThat(changed(running.fail(fenceOf(running), "x", "BAD_INPUT", T3, 0)).status())
                    .isEqualTo(TaskStatus.PENDING);
            assertThat(changed(running.fail(fenceOf(running), "x", "bad_input_2", T3, 0)).status())
                    .isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void a_stale_fence_is_rejected_and_changes_nothing() {
            Task running = aTask().inProgressOn(renderer, 2).retry(POLICY).build();

            assertThat(rejected(running.fail(new Fence(1, renderer.id()), "boom", "e1", T3, 0)))
                    .isEqualTo("Stale attempt 1 for task " + running.id() + "; the current attempt is 2");
            assertThat(rejected(running.fail(new Fence(2, other.id()), "boom", "e1", T3, 0)))
                    .isEqualTo("Task " + running.id() + " is not assigned to bot " + other.id());
            assertThat(running.status()).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        @Test
        void a_repeated_fail_of_a_failed_task_is_unchanged() {
            Task running = aTask().inProgressOn(renderer, 4).retry(POLICY).build();
            Task failed = changed(running.fail(new Fence(4, renderer.id()), "first", "e1", T3, 0));

            Task repeat = unchanged(failed.fail(new Fence(4, renderer.id()), "second", "e2", T4, 0));

            assertThat(repeat).isSameAs(failed);
            assertThat(repeat.error()).isEqualTo("first");
            assertThat(repeat.errorCode()).isEqualTo("e1");
            assertThat(repeat.completedAt()).isEqualTo(T3);
        }

        @Test
        void every_attempt_counts_against_the_budget_until_the_task_fails() {
            Task task = aTask().maxAttempts(2).build();

            Task first = changed(task.assign(renderer, T1));
            Task retried = changed(first.fail(fenceOf(first), "one", "e1", T2, 0));
            Task second = changed(retried.assign(renderer, T3));
            Task failed = changed(second.fail(fenceOf(second), "two", "e2", T4, 0));

            assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(second.attempt()).isEqualTo(2);
            assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(failed.attempt()).isEqualTo(2);
            assertThat(failed.error()).isEqualTo("two");
            assertThat(failed.errorCode()).isEqualTo("e2");
        }

        @Test
        void a_single_attempt_policy_never_retries() {
            Task running = aTask().inProgressOn(renderer, 1).retry(Tasks.NO_RETRY).build();

            assertThat(changed(running.fail(fenceOf(running), "boom", "e1", T3, 0)).status())
                    .isEqualTo(TaskStatus.FAILED);
        }
    }

    @Nested
    class HandBack {

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "ASSIGNED", "IN_PROGRESS" })
        void a_held_task_goes_back_to_pending_at_once_without_a_bot(TaskStatus status) {
            Task held = Tasks.inState(status, renderer).retry(POLICY).scheduleToStart(45).build();

            Task back = changed(held.handBack(T4));

            assertThat(back.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(back.botId()).isNull();
            assertThat(back.assignedAt()).isNull();
            assertThat(back.startedAt()).isNull();
            assertThat(back.completedAt()).isNull();
            assertThat(back.runAt()).isNull();
            assertThat(back.deadlineAt()).isEqualTo(T4.plusSeconds(45));
            assertThat(back.attempt()).isEqualTo(1);
            assertThat(back.attemptsMade()).isZero();
            assertThat(back.errorCode()).isNull();
            assertThat(back.updatedAt()).isEqualTo(T4);
        }

        @Test
        void a_hand_back_does_not_spend_an_attempt_of_the_retry_budget_while_a_lost_lease_does() {
            Task held = aTask().assignedTo(renderer, 1).maxAttempts(2).build();

            Task afterHandBack = changed(changed(held.handBack(T2)).assign(renderer, T3));
            Task afterRelease = changed(changed(held.releaseLease(T2)).assign(renderer, T3));

            assertThat(afterHandBack.attempt()).isEqualTo(2);
            assertThat(afterRelease.attempt()).isEqualTo(2);
            assertThat(afterHandBack.attemptsMade()).isEqualTo(1);
            assertThat(afterRelease.attemptsMade()).isEqualTo(2);
            assertThat(changed(afterHandBack.fail(fenceOf(afterHandBack), "boom", "e1", T4, 0)).status())
                    .isEqualTo(TaskStatus.PENDING);
            assertThat(changed(afterRelease.fail(fenceOf(afterRelease), "boom", "e1", T4, 0)).status())
                    .isEqualTo(TaskStatus.FAILED);
        }

        @Test
        void a_task_with_a_single_attempt_may_be_handed_back_and_still_run_once() {
            Task held = aTask().assignedTo(renderer, 1).retry(Tasks.NO_RETRY).build();

            Task again = changed(changed(held.handBack(T2)).assign(other, T3));

            assertThat(again.attempt()).isEqualTo(2);
            assertThat(again.attemptsMade()).isEqualTo(1);
            assertThat(rejected(again.start(new Fence(1, renderer.id()), T4))).startsWith("Stale attempt 1");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "PENDING", "COMPLETED", "FAILED", "TIMED_OUT",
                "CANCELLED" })
        void only_a_held_task_can_be_handed_back(TaskStatus status) {
            Task task = Tasks.inState(status, renderer).build();

            assertThat(rejected(task.handBack(T4))).isEqualTo(
                    "Task " + task.id() + " is " + status.wire() + "; only a held task can be handed back");
        }
    }

    @Nested
    class Redrive {

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "FAILED", "TIMED_OUT" })
        void a_dead_letter_task_goes_back_to_pending_with_a_fresh_set_of_attempts(TaskStatus status) {
            Task dead = Tasks.inState(status, renderer).attempt(3).maxAttempts(3).version(9).build();
            assertThat(dead.isDeadLetter()).isTrue();

            Task redriven = changed(dead.redrive(T4));

            assertThat(redriven.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(redriven.isDeadLetter()).isFalse();
            assertThat(redriven.attempt()).isEqualTo(3);
            assertThat(redriven.attemptsBefore()).isEqualTo(3);
            assertThat(redriven.attemptsMade()).isZero();
            assertThat(redriven.botId()).isNull();
            assertThat(redriven.assignedAt()).isNull();
            assertThat(redriven.startedAt()).isNull();
            assertThat(redriven.completedAt()).isNull();
            assertThat(redriven.runAt()).isNull();
            assertThat(redriven.deadlineAt()).isNull();
            assertThat(redriven.updatedAt()).isEqualTo(T4);
            assertThat(redriven.version()).isEqualTo(9);
        }

        @Test
        void a_redriven_task_with_a_schedule_to_start_limit_gets_a_new_deadline() {
            Task dead = aTask().failedOn(renderer, 1, "boom").scheduleToStart(20).build();

            assertThat(changed(dead.redrive(T4)).deadlineAt()).isEqualTo(T4.plusSeconds(20));
        }

        @Test
        void attempts_keep_rising_after_a_redrive_while_the_budget_starts_again() {
            Task dead = aTask().failedOn(renderer, 3, "boom").maxAttempts(3).build();
            Task redriven = changed(dead.redrive(T4));

            Task assigned = changed(redriven.assign(other, T4.plusSeconds(1)));

            assertThat(assigned.attempt()).isEqualTo(4);
            assertThat(assigned.attemptsMade()).isEqualTo(1);
            Task retried = changed(assigned.fail(fenceOf(assigned), "again", "e1", T4.plusSeconds(2), 0));
            assertThat(retried.status()).as("two more attempts are left after the redrive")
                    .isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void a_redriven_task_fails_again_after_its_fresh_budget_is_spent() {
            Task dead = aTask().failedOn(renderer, 2, "boom").maxAttempts(2).build();
            Task task = changed(dead.redrive(T4));
            Instant now = T4;

            for (int i = 0; i < 2; i++) {
                now = now.plusSeconds(100);
                task = changed(task.assign(renderer, now));
                task = changed(task.fail(fenceOf(task), "boom " + task.attempt(), "e1", now, 0));
            }

            assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(task.attempt()).isEqualTo(4);
            assertThat(task.attemptsMade()).isEqualTo(2);
            assertThat(task.error()).isEqualTo("boom 4");
        }

        @Test
        void reports_about_attempts_before_the_redrive_are_stale() {
            Task dead = aTask().failedOn(renderer, 3, "boom").maxAttempts(3).build();
            Task assigned = changed(changed(dead.redrive(T4)).assign(renderer, T4.plusSeconds(1)));
            Fence old = new Fence(3, renderer.id());

            assertThat(rejected(assigned.start(old, T4.plusSeconds(2))))
                    .isEqualTo("Stale attempt 3 for task " + assigned.id() + "; the current attempt is 4");
            assertThat(rejected(assigned.complete(old, Map.of(), T4.plusSeconds(2)))).startsWith("Stale attempt 3");
            assertThat(rejected(assigned.fail(old, "late", "e1", T4.plusSeconds(2), 0))).startsWith("Stale attempt 3");
        }

        @Test
        void a_late_fail_for_the_attempt_before_a_redrive_is_rejected_as_stale() {
            Task dead = aTask().failedOn(renderer, 3, "boom").maxAttempts(3).build();
            Task redriven = changed(dead.redrive(T4));

            assertThat(rejected(redriven.fail(new Fence(3, renderer.id()), "late", "e1", T4.plusSeconds(1), 0)))
                    .isNotBlank();
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "PENDING", "ASSIGNED", "IN_PROGRESS", "COMPLETED",
                "CANCELLED" })
        void only_a_failed_or_timed_out_task_can_be_redriven(TaskStatus status) {
            Task task = Tasks.inState(status, renderer).build();

            assertThat(rejected(task.redrive(T4))).isEqualTo("Task " + task.id() + " is " + status.wire()
                    + "; only a failed or timed-out task can be redriven");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "FAILED", "TIMED_OUT" })
        void a_workflow_step_cannot_be_redriven_on_its_own(TaskStatus status) {
            WorkflowId workflow = Ids.workflowId();
            Task step = Tasks.inState(status, renderer).stepOf(workflow, 1).build();

            assertThat(rejected(step.redrive(T4))).isEqualTo("Task " + step.id() + " belongs to workflow " + workflow
                    + "; a workflow step cannot be redriven on its own");
        }
    }
}
