package io.clawbot.coordinator.domain.task;

import static io.clawbot.coordinator.domain.testing.Tasks.aTask;
import static io.clawbot.coordinator.domain.testing.Times.T0;
import static io.clawbot.coordinator.domain.testing.Times.T1;
import static io.clawbot.coordinator.domain.testing.Times.T2;
import static io.clawbot.coordinator.domain.testing.Times.T3;
import static io.clawbot.coordinator.domain.testing.Times.T4;
import static io.clawbot.coordinator.domain.testing.Transitions.changed;
import static io.clawbot.coordinator.domain.testing.Transitions.refusal;
import static io.clawbot.coordinator.domain.testing.Transitions.rejected;
import static io.clawbot.coordinator.domain.testing.Transitions.unchanged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.Refusal;
import io.clawbot.coordinator.domain.common.Rejection;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.testing.Bots;
import io.clawbot.coordinator.domain.testing.Ids;
import io.clawbot.coordinator.domain.testing.Tasks;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskTest {

    private final Bot renderer = Bots.aBot().withCapabilities("render", "encode").online(T0).build();
    private final Bot other = Bots.aBot().withCapabilities("render").online(T0).build();

    @Nested
    class Creation {

        private final TaskSpec spec = new TaskSpec("render", 7, Map.of("input", "scene-1"), 60);

        @Test
        void a_new_task_is_pending_unassigned_at_attempt_zero_and_version_zero() {
            Task task = Task.create(Ids.taskId(), spec, T0);

            assertThat(task.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(task.type()).isEqualTo("render");
            assertThat(task.priority()).isEqualTo(7);
            assertThat(task.timeoutSeconds()).isEqualTo(60);
            assertThat(task.payload()).containsEntry("input", "scene-1");
            assertThat(task.botId()).isNull();
            assertThat(task.attempt()).isZero();
            assertThat(task.version()).isZero();
            assertThat(task.createdAt()).isEqualTo(T0);
            assertThat(task.updatedAt()).isEqualTo(T0);
            assertThat(task.workflowId()).isNull();
            assertThat(task.workflowPosition()).isNull();
        }

        @Test
        void a_ready_workflow_step_is_pending_and_knows_its_place() {
            WorkflowId workflow = Ids.workflowId();

            Task step = Task.createStep(Ids.taskId(), spec, workflow, 0, true, T0);

            assertThat(step.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(step.workflowId()).isEqualTo(workflow);
            assertThat(step.workflowPosition()).isZero();
        }

        @Test
        void a_workflow_step_that_is_not_ready_waits() {
            Task step = Task.createStep(Ids.taskId(), spec, Ids.workflowId(), 3, false, T0);

            assertThat(step.status()).isEqualTo(TaskStatus.WAITING);
            assertThat(step.workflowPosition()).isEqualTo(3);
        }

        @Test
        void the_payload_is_copied_so_later_changes_to_the_source_do_not_leak_in() {
            Map<String, Object> source = new HashMap<>(Map.of("k", "v"));
            Task task = aTask().build();
            Task copy = new Task(task.id(), task.type(), task.status(), 0, source, null, null, null, 300, null, null,
                    null, 0, T0, T0, null, null, null, 0, null, null, null, null, null, 0, null, null, null, null,
                    null, null);

            source.put("k", "changed");

            assertThat(copy.payload()).containsEntry("k", "v");
            assertThatThrownBy(() -> copy.payload().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class Assign {

        @Test
        void a_pending_task_is_assigned_to_a_bot_with_its_capability_as_a_new_attempt() {
            Task pending = aTask().typed("render").build();

            Task assigned = changed(pending.assign(renderer, T1));

            assertThat(assigned.status()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(assigned.botId()).isEqualTo(renderer.id());
            assertThat(assigned.attempt()).isEqualTo(1);
            assertThat(assigned.assignedAt()).isEqualTo(T1);
            assertThat(assigned.updatedAt()).isEqualTo(T1);
            assertThat(assigned.startedAt()).isNull();
            assertThat(assigned.completedAt()).isNull();
            assertThat(assigned.createdAt()).isEqualTo(T0);
        }

        @Test
        void every_assignment_raises_the_attempt_by_one() {
            Task pending = aTask().attempt(3).build();

            assertThat(changed(pending.assign(renderer, T1)).attempt()).isEqualTo(4);
        }

        @Test
        void assigning_does_not_mutate_the_task_nor_raise_its_version() {
            Task pending = aTask().version(5).build();

            Task assigned = changed(pending.assign(renderer, T1));

            assertThat(pending.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(pending.botId()).isNull();
            assertThat(assigned.version()).isEqualTo(5);
        }

        @Test
        void a_bot_without_the_required_capability_is_rejected() {
            Task pending = aTask().typed("transcode").build();

            String reason = rejected(pending.assign(renderer, T1));

            assertThat(reason).contains("lacks capability 'transcode'").contains(renderer.id().toString());
        }

        @Test
        void a_bot_with_no_capability_at_all_cannot_take_a_typed_task() {
            Bot bare = Bots.aBot().withCapabilities().online(T0).build();

            assertThat(rejected(aTask().typed("render").build().assign(bare, T1))).contains("lacks capability");
        }

        @Test
        void an_untyped_task_is_taken_by_any_bot_even_one_without_capabilities() {
            Bot bare = Bots.aBot().withCapabilities().online(T0).build();

            Task assigned = changed(aTask().untyped().build().assign(bare, T1));

            assertThat(assigned.botId()).isEqualTo(bare.id());
            assertThat(assigned.status()).isEqualTo(TaskStatus.ASSIGNED);
        }

        @Test
        void assigning_again_to_the_same_bot_is_an_idempotent_repeat_that_keeps_the_attempt() {
            Task assigned = aTask().assignedTo(renderer, 1).build();

            Task repeat = unchanged(assigned.assign(renderer, T2));

            assertThat(repeat).isSameAs(assigned);
            assertThat(repeat.attempt()).isEqualTo(1);
        }

        @Test
        void a_task_assigned_to_one_bot_cannot_be_assigned_to_another() {
            Task assigned = aTask().assignedTo(renderer, 1).build();

            assertThat(rejected(assigned.assign(other, T2))).contains("is assigned; only a pending task");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "IN_PROGRESS", "COMPLETED", "FAILED", "CANCELLED" })
        void only_a_pending_task_can_be_assigned(TaskStatus status) {
            Task task = Tasks.inState(status, renderer).build();

            assertThat(rejected(task.assign(renderer, T4)))
                    .isEqualTo("Task " + task.id() + " is " + status.wire() + "; only a pending task can be assigned");
        }

        @Test
        void a_rejected_assignment_throws_an_invalid_transition_with_its_reason() {
            Task waiting = aTask().waiting().build();

            assertThatThrownBy(() -> waiting.assign(renderer, T1).orThrow())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("is waiting");
        }
    }

    @Nested
    class Start {

        @Test
        void an_assigned_task_starts_when_the_fence_matches() {
            Task assigned = aTask().assignedTo(renderer, 2).build();

            Task started = changed(assigned.start(new Fence(2, renderer.id()), T2));

            assertThat(started.status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(started.startedAt()).isEqualTo(T2);
            assertThat(started.updatedAt()).isEqualTo(T2);
            assertThat(started.assignedAt()).isEqualTo(T1);
            assertThat(started.botId()).isEqualTo(renderer.id());
            assertThat(started.attempt()).isEqualTo(2);
        }

        @Test
        void an_operator_without_a_fence_may_start_the_task() {
            Task assigned = aTask().assignedTo(renderer, 1).build();

            assertThat(changed(assigned.start(Fence.none(), T2)).status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(changed(assigned.start(null, T2)).status()).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        @Test
        void a_fence_with_only_the_attempt_or_only_the_bot_is_checked_on_that_part() {
            Task assigned = aTask().assignedTo(renderer, 1).build();

            assertThat(changed(assigned.start(new Fence(1, null), T2)).status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(changed(assigned.start(new Fence(null, renderer.id()), T2)).status())
                    .isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(rejected(assigned.start(new Fence(2, null), T2))).startsWith("Stale attempt 2");
            assertThat(rejected(assigned.start(new Fence(null, other.id()), T2))).contains("not assigned to bot");
        }

        @Test
        void a_stale_attempt_cannot_start_the_task() {
            Task assigned = aTask().assignedTo(renderer, 2).build();

            assertThat(rejected(assigned.start(new Fence(1, renderer.id()), T2)))
                    .isEqualTo("Stale attempt 1 for task " + assigned.id() + "; the current attempt is 2");
        }

        @Test
        void an_attempt_from_the_future_is_rejected_too() {
            Task assigned = aTask().assignedTo(renderer, 2).build();

            assertThat(rejected(assigned.start(new Fence(3, renderer.id()), T2))).startsWith("Stale attempt 3");
        }

        @Test
        void a_bot_the_task_is_not_assigned_to_cannot_start_it() {
            Task assigned = aTask().assignedTo(renderer, 1).build();

            assertThat(rejected(assigned.start(new Fence(1, other.id()), T2)))
                    .isEqualTo("Task " + assigned.id() + " is not assigned to bot " + other.id());
        }

        @Test
        void a_duplicate_start_at_the_same_attempt_changes_nothing() {
            Task running = aTask().inProgressOn(renderer, 1).build();

            Task repeat = unchanged(running.start(new Fence(1, renderer.id()), T4));

            assertThat(repeat).isSameAs(running);
            assertThat(repeat.startedAt()).isEqualTo(T2);
        }

        @Test
        void a_duplicate_start_with_a_stale_attempt_is_rejected_rather_than_repeated() {
            Task running = aTask().inProgressOn(renderer, 2).build();

            assertThat(rejected(running.start(new Fence(1, renderer.id()), T4))).startsWith("Stale attempt 1");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "PENDING", "COMPLETED", "FAILED", "CANCELLED" })
        void only_an_assigned_task_can_be_started(TaskStatus status) {
            Task task = Tasks.inState(status, renderer).build();

            assertThat(rejected(task.start(Fence.none(), T4)))
                    .isEqualTo("Task " + task.id() + " is " + status.wire() + "; only an assigned task can be started");
        }
    }

    @Nested
    class Complete {

        private final Map<String, Object> result = Map.of("frames", 24);

        @Test
        void a_running_task_completes_with_its_result() {
            Task running = aTask().inProgressOn(renderer, 1).build();

            Task completed = changed(running.complete(new Fence(1, renderer.id()), result, T3));

            assertThat(completed.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(completed.result()).isEqualTo(result);
            assertThat(completed.error()).isNull();
            assertThat(completed.startedAt()).isEqualTo(T2);
            assertThat(completed.completedAt()).isEqualTo(T3);
            assertThat(completed.updatedAt()).isEqualTo(T3);
            assertThat(completed.botId()).isEqualTo(renderer.id());
            assertThat(completed.attempt()).isEqualTo(1);
        }

        @Test
        void an_assigned_task_may_complete_without_being_started_first() {
            Task assigned = aTask().assignedTo(renderer, 1).build();

            Task completed = changed(assigned.complete(new Fence(1, renderer.id()), result, T3));

            assertThat(completed.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(completed.startedAt()).isEqualTo(T3);
            assertThat(completed.completedAt()).isEqualTo(T3);
        }

        @Test
        void a_missing_result_is_stored_as_an_empty_object() {
            Task running = aTask().inProgressOn(renderer, 1).build();

            assertThat(changed(running.complete(Fence.none(), null, T3)).result()).isEmpty();
        }

        @Test
        void a_stale_attempt_cannot_complete_the_task() {
            Task running = aTask().inProgressOn(renderer, 2).build();

            assertThat(rejected(running.complete(new Fence(1, renderer.id()), result, T3)))
                    .startsWith("Stale attempt 1 for task " + running.id());
        }

        @Test
        void a_bot_the_task_is_not_assigned_to_cannot_complete_it() {
            Task running = aTask().inProgressOn(renderer, 1).build();

            assertThat(rejected(running.complete(new Fence(1, other.id()), result, T3)))
                    .contains("is not assigned to bot " + other.id());
        }

        @Test
        void a_duplicate_complete_at_the_same_attempt_answers_with_the_stored_result() {
            Task completed = aTask().completedOn(renderer, 1, result).build();

            Task repeat = unchanged(completed.complete(new Fence(1, renderer.id()), Map.of("frames", 99), T4));

            assertThat(repeat).isSameAs(completed);
            assertThat(repeat.result()).isEqualTo(result);
            assertThat(repeat.completedAt()).isEqualTo(T3);
        }

        @Test
        void a_duplicate_complete_from_a_stale_attempt_is_rejected() {
            Task completed = aTask().completedOn(renderer, 2, result).build();

            assertThat(rejected(completed.complete(new Fence(1, renderer.id()), result, T4)))
                    .startsWith("Stale attempt 1");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "PENDING", "FAILED", "CANCELLED" })
        void only_an_assigned_or_running_task_can_be_completed(TaskStatus status) {
            Task task = Tasks.inState(status, renderer).build();

            assertThat(rejected(task.complete(Fence.none(), result, T4))).isEqualTo("Task " + task.id() + " is "
                    + status.wire() + "; only an assigned or running task can be completed");
        }
    }

    @Nested
    class Fail {

        @Test
        void a_running_task_fails_with_its_error() {
            Task running = aTask().inProgressOn(renderer, 1).build();

            Task failed = changed(running.fail(new Fence(1, renderer.id()), "out of memory", T3));

            assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(failed.error()).isEqualTo("out of memory");
            assertThat(failed.startedAt()).isEqualTo(T2);
            assertThat(failed.completedAt()).isEqualTo(T3);
            assertThat(failed.updatedAt()).isEqualTo(T3);
            assertThat(failed.result()).isNull();
        }

        @Test
        void an_assigned_task_may_fail_without_being_started_first() {
            Task assigned = aTask().assignedTo(renderer, 1).build();

            Task failed = changed(assigned.fail(new Fence(1, renderer.id()), "no GPU", T3));

            assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(failed.startedAt()).isEqualTo(T3);
        }

        @Test
        void a_stale_attempt_cannot_fail_the_task() {
            Task running = aTask().inProgressOn(renderer, 3).build();

            assertThat(rejected(running.fail(new Fence(2, renderer.id()), "boom", T3)))
                    .isEqualTo("Stale attempt 2 for task " + running.id() + "; the current attempt is 3");
        }

        @Test
        void a_bot_the_task_is_not_assigned_to_cannot_fail_it() {
            Task running = aTask().inProgressOn(renderer, 1).build();

            assertThat(rejected(running.fail(new Fence(1, other.id()), "boom", T3))).contains("not assigned to bot");
        }

        @Test
        void a_duplicate_fail_at_the_same_attempt_changes_nothing() {
            Task failed = aTask().failedOn(renderer, 1, "out of memory").build();

            Task repeat = unchanged(failed.fail(new Fence(1, renderer.id()), "another error", T4));

            assertThat(repeat).isSameAs(failed);
            assertThat(repeat.error()).isEqualTo("out of memory");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "PENDING", "COMPLETED", "CANCELLED" })
        void only_an_assigned_or_running_task_can_fail(TaskStatus status) {
            Task task = Tasks.inState(status, renderer).build();

            assertThat(rejected(task.fail(Fence.none(), "boom", T4))).isEqualTo(
                    "Task " + task.id() + " is " + status.wire() + "; only an assigned or running task can fail");
        }
    }

    @Nested
    class Cancel {

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "PENDING", "ASSIGNED", "IN_PROGRESS" })
        void any_open_task_can_be_cancelled_with_a_reason(TaskStatus status) {
            Task open = Tasks.inState(status, renderer).build();

            Task cancelled = changed(open.cancel("operator request", T4));

            assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(cancelled.error()).isEqualTo("operator request");
            assertThat(cancelled.completedAt()).isEqualTo(T4);
            assertThat(cancelled.updatedAt()).isEqualTo(T4);
            assertThat(cancelled.botId()).isEqualTo(open.botId());
            assertThat(cancelled.attempt()).isEqualTo(open.attempt());
            assertThat(cancelled.startedAt()).isEqualTo(open.startedAt());
        }

        @Test
        void cancelling_a_cancelled_task_again_is_an_idempotent_repeat() {
            Task cancelled = aTask().cancelled("first").build();

            Task repeat = unchanged(cancelled.cancel("second", T4));

            assertThat(repeat).isSameAs(cancelled);
            assertThat(repeat.error()).isEqualTo("first");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "COMPLETED", "FAILED" })
        void a_finished_task_cannot_be_cancelled(TaskStatus status) {
            Task finished = Tasks.inState(status, renderer).build();

            assertThat(rejected(finished.cancel("too late", T4))).isEqualTo("Task " + finished.id() + " is already "
                    + status.wire() + "; a finished task cannot be cancelled");
        }
    }

    @Nested
    class ReleaseLease {

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "ASSIGNED", "IN_PROGRESS" })
        void a_held_task_goes_back_to_pending_without_a_bot_and_keeps_its_attempt(TaskStatus status) {
            Task held = Tasks.inState(status, renderer).attempt(3).maxAttempts(5).version(6).build();

            Task released = changed(held.releaseLease(T4));

            assertThat(released.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(released.botId()).isNull();
            assertThat(released.assignedAt()).isNull();
            assertThat(released.startedAt()).isNull();
            assertThat(released.completedAt()).isNull();
            assertThat(released.attempt()).isEqualTo(3);
            assertThat(released.updatedAt()).isEqualTo(T4);
            assertThat(released.createdAt()).isEqualTo(T0);
            assertThat(released.version()).isEqualTo(6);
            assertThat(released.payload()).isEqualTo(held.payload());
            assertThat(released.result()).isNull();
            assertThat(released.errorCode()).isEqualTo(status == TaskStatus.ASSIGNED ? "ack_timeout" : "lease_expired");
            assertThat(released.runAt()).as("no backoff after a lost lease").isNull();
            assertThat(held.status()).isEqualTo(status);
            assertThat(held.botId()).isEqualTo(renderer.id());
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "PENDING", "COMPLETED", "FAILED", "TIMED_OUT",
                "CANCELLED" })
        void only_a_held_task_has_a_lease_to_release(TaskStatus status) {
            Task task = Tasks.inState(status, renderer).build();

            assertThat(rejected(task.releaseLease(T4)))
                    .isEqualTo("Task " + task.id() + " is " + status.wire() + "; only a held task has a lease");
        }

        @Test
        void a_workflow_step_keeps_its_place_when_released() {
            WorkflowId workflow = Ids.workflowId();
            Task held = aTask().stepOf(workflow, 2).assignedTo(renderer, 1).maxAttempts(2).build();

            Task released = changed(held.releaseLease(T4));

            assertThat(released.workflowId()).isEqualTo(workflow);
            assertThat(released.workflowPosition()).isEqualTo(2);
        }

        @Test
        void reports_for_the_released_attempt_are_refused() {
            Task released = changed(aTask().inProgressOn(renderer, 1).maxAttempts(2).build().releaseLease(T3));
            Fence old = new Fence(1, renderer.id());

            assertThat(rejected(released.start(old, T4))).contains("is not assigned to bot " + renderer.id());
            assertThat(rejected(released.complete(old, Map.of(), T4)))
                    .contains("is not assigned to bot " + renderer.id());
            assertThat(rejected(released.fail(old, "late", T4))).contains("is not assigned to bot " + renderer.id());
        }

        @Test
        void the_next_assignment_is_a_new_attempt_and_the_old_attempt_is_stale() {
            Task released = changed(aTask().assignedTo(renderer, 1).maxAttempts(2).build().releaseLease(T3));

            Task reassigned = changed(released.assign(renderer, T4));

            assertThat(reassigned.attempt()).isEqualTo(2);
            assertThat(reassigned.assignedAt()).isEqualTo(T4);
            assertThat(rejected(reassigned.start(new Fence(1, renderer.id()), T4)))
                    .isEqualTo("Stale attempt 1 for task " + reassigned.id() + "; the current attempt is 2");
            assertThat(changed(reassigned.start(new Fence(2, renderer.id()), T4)).status())
                    .isEqualTo(TaskStatus.IN_PROGRESS);
        }
    }

    @Nested
    class MakeReady {

        @Test
        void a_waiting_step_becomes_pending() {
            Task waiting = aTask().waiting().stepOf(Ids.workflowId(), 1).build();

            Task ready = changed(waiting.makeReady(T2));

            assertThat(ready.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(ready.updatedAt()).isEqualTo(T2);
            assertThat(ready.botId()).isNull();
            assertThat(ready.attempt()).isZero();
        }

        @Test
        void making_a_pending_task_ready_again_changes_nothing() {
            Task pending = aTask().pending().build();

            assertThat(unchanged(pending.makeReady(T2))).isSameAs(pending);
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "ASSIGNED", "IN_PROGRESS", "COMPLETED", "FAILED", "CANCELLED" })
        void only_a_waiting_task_can_be_made_ready(TaskStatus status) {
            Task task = Tasks.inState(status, renderer).build();

            assertThat(rejected(task.makeReady(T4))).isEqualTo(
                    "Task " + task.id() + " is " + status.wire() + "; only a waiting task can be made ready");
        }
    }

    @Nested
    class DeletionBlocker {

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "ASSIGNED", "IN_PROGRESS" })
        void a_task_held_by_a_bot_cannot_be_deleted(TaskStatus status) {
            Task held = Tasks.inState(status, renderer).build();

            assertThat(held.deletionBlocker()).isEqualTo(new Rejection(Refusal.HELD_BY_BOT,
                    "Task " + held.id() + " is " + status.wire() + "; cancel it before deleting it"));
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "WAITING", "PENDING", "COMPLETED", "FAILED", "CANCELLED" })
        void a_workflow_step_is_deleted_only_with_its_workflow(TaskStatus status) {
            WorkflowId workflow = Ids.workflowId();
            Task step = Tasks.inState(status, renderer).stepOf(workflow, 0).build();

            assertThat(step.deletionBlocker()).isEqualTo(new Rejection(Refusal.WORKFLOW_STEP,
                    "Task " + step.id() + " belongs to workflow " + workflow + "; delete the workflow instead"));
        }

        @Test
        void a_held_workflow_step_names_the_bot_hold_first() {
            Task step = aTask().assignedTo(renderer, 1).stepOf(Ids.workflowId(), 0).build();

            assertThat(step.deletionBlocker().reason()).isEqualTo(Refusal.HELD_BY_BOT);
            assertThat(step.deletionBlocker().detail()).contains("cancel it before deleting it");
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "PENDING", "COMPLETED", "FAILED", "CANCELLED" })
        void a_standalone_task_no_bot_holds_may_be_deleted(TaskStatus status) {
            assertThat(Tasks.inState(status, renderer).build().deletionBlocker()).isNull();
        }
    }

    /** Each refusal carries its kind, which adapters turn into codes without reading the detail. */
    @Nested
    class Refusals {

        private final Task assigned = aTask().typed("render").assignedTo(renderer, 2).build();
        private final Task running = aTask().typed("render").inProgressOn(renderer, 2).build();

        @Test
        void a_report_for_another_attempt_is_a_stale_attempt() {
            assertThat(refusal(assigned.start(new Fence(1, renderer.id()), T2))).isEqualTo(Refusal.STALE_ATTEMPT);
            assertThat(refusal(running.complete(new Fence(3, null), Map.of(), T2))).isEqualTo(Refusal.STALE_ATTEMPT);
            assertThat(refusal(running.progress(new Fence(1, renderer.id())))).isEqualTo(Refusal.STALE_ATTEMPT);
        }

        @Test
        void a_report_from_another_bot_is_not_assigned() {
            assertThat(refusal(running.fail(new Fence(2, other.id()), "x", null, T2, 0)))
                    .isEqualTo(Refusal.NOT_ASSIGNED);
            assertThat(refusal(running.progress(new Fence(2, other.id())))).isEqualTo(Refusal.NOT_ASSIGNED);
        }

        @Test
        void a_step_the_status_does_not_allow_is_a_wrong_status() {
            Task pending = aTask().typed("render").build();
            assertThat(refusal(pending.start(Fence.none(), T2))).isEqualTo(Refusal.WRONG_STATUS);
            assertThat(refusal(assigned.assign(other, T2))).isEqualTo(Refusal.WRONG_STATUS);
            assertThat(refusal(assigned.progress(new Fence(2, renderer.id())))).isEqualTo(Refusal.WRONG_STATUS);
            assertThat(refusal(pending.redrive(T2))).isEqualTo(Refusal.WRONG_STATUS);
        }

        @Test
        void cancelling_an_ended_task_is_already_ended() {
            Task done = aTask().completedOn(renderer, 1, Map.of()).build();
            assertThat(refusal(done.cancel("late", T2))).isEqualTo(Refusal.ALREADY_ENDED);
        }

        @Test
        void a_bot_without_the_type_is_missing_a_capability() {
            Task encode = aTask().typed("transcode").build();
            assertThat(refusal(encode.assign(renderer, T2))).isEqualTo(Refusal.MISSING_CAPABILITY);
        }

        @Test
        void a_deadline_that_has_not_passed_is_not_due() {
            assertThat(refusal(running.timeOut(T0, 0))).isEqualTo(Refusal.NOT_DUE);
        }

        @Test
        void redriving_a_workflow_step_alone_is_refused_as_a_workflow_step() {
            Task step = aTask().failedOn(renderer, 1, "boom").stepOf(Ids.workflowId(), 0).build();
            assertThat(refusal(step.redrive(T2))).isEqualTo(Refusal.WORKFLOW_STEP);
        }

        @Test
        void progress_from_the_running_attempt_keeps_the_task() {
            assertThat(unchanged(running.progress(new Fence(2, renderer.id())))).isEqualTo(running);
            assertThat(unchanged(running.progress(Fence.none()))).isEqualTo(running);
        }
    }

    @Nested
    class FullLifecycle {

        @Test
        void a_task_runs_from_pending_to_completed_through_its_fenced_reports() {
            Task pending = aTask().build();

            Task assigned = changed(pending.assign(renderer, T1));
            Fence fence = new Fence(assigned.attempt(), renderer.id());
            Task started = changed(assigned.start(fence, T2));
            Task completed = changed(started.complete(fence, Map.of("ok", true), T3));

            assertThat(completed.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(completed.assignedAt()).isEqualTo(T1);
            assertThat(completed.startedAt()).isEqualTo(T2);
            assertThat(completed.completedAt()).isEqualTo(T3);
            assertThat(completed.createdAt()).isEqualTo(T0);
            assertThat(rejected(completed.fail(fence, "late", T4))).contains("only an assigned or running task");
            assertThat(rejected(completed.cancel("late", T4))).contains("a finished task cannot be cancelled");
        }
    }
}
