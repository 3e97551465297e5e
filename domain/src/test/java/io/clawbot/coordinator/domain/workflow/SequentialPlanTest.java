package io.clawbot.coordinator.domain.workflow;

import static io.clawbot.coordinator.domain.testing.Tasks.aTask;
import static io.clawbot.coordinator.domain.testing.Times.T0;
import static io.clawbot.coordinator.domain.testing.Times.T1;
import static io.clawbot.coordinator.domain.testing.Times.T3;
import static io.clawbot.coordinator.domain.testing.Times.T4;
import static io.clawbot.coordinator.domain.testing.Transitions.changed;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskChanges;
import io.clawbot.coordinator.domain.task.TaskChanges.Versioned;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.testing.Bots;
import io.clawbot.coordinator.domain.testing.Ids;
import io.clawbot.coordinator.domain.testing.Tasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SequentialPlanTest {

    private final Bot bot = Bots.aBot().withCapabilities("render").online(T0).build();
    private final WorkflowId workflowId = Ids.workflowId();

    private Workflow workflow(boolean started, WorkflowStatus status) {
        return new Workflow(workflowId, "pipeline", null, status, Map.of(), List.of(), started ? T0 : null, T0, T0, 6);
    }

    /** Steps of the workflow: the first in {@code first}, all later ones waiting, each at version 2. */
    private List<Task> steps(int count, UnaryOperator<Tasks> first) {
        List<Task> steps = new ArrayList<>();
        steps.add(first.apply(aTask().stepOf(workflowId, 0).version(2)).build());
        for (int i = 1; i < count; i++) {
            steps.add(aTask().waiting().stepOf(workflowId, i).version(2).build());
        }
        return steps;
    }

    private Task completedOnBot(Task step) {
        return changed(step.complete(new Fence(step.attempt(), bot.id()), Map.of("ok", true), T3));
    }

    @Nested
    class Advance {

        @Test
        void completing_a_step_of_a_started_workflow_makes_the_next_step_pending() {
            Workflow workflow = workflow(true, WorkflowStatus.IN_PROGRESS);
            List<Task> steps = steps(3, b -> b.inProgressOn(bot, 1));
            Task completed = completedOnBot(steps.get(0));
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.advance(workflow, steps, completed, T3, changes);

            TaskChanges built = changes.build();
            assertThat(built.tasks()).hasSize(1);
            Versioned<Task> next = built.tasks().get(0);
            assertThat(next.next().id()).isEqualTo(steps.get(1).id());
            assertThat(next.next().status()).isEqualTo(TaskStatus.PENDING);
            assertThat(next.next().updatedAt()).isEqualTo(T3);
            assertThat(next.expectedVersion()).isEqualTo(2);
            assertThat(built.events()).containsExactly(new TaskTransitioned(steps.get(1).id(), TaskStatus.WAITING,
                    TaskStatus.PENDING, 0, Actor.system(), "previous step completed", T3, "ready"));
            assertThat(built.workflows()).isEmpty();
        }

        @Test
        void the_workflow_status_follows_its_steps_and_is_written_against_its_read_version() {
            Workflow workflow = workflow(true, WorkflowStatus.PENDING);
            List<Task> steps = steps(2, b -> b.assignedTo(bot, 1));
            Task completed = completedOnBot(steps.get(0));
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.advance(workflow, steps, completed, T3, changes);

            List<Versioned<Workflow>> workflows = changes.build().workflows();
            assertThat(workflows).hasSize(1);
            assertThat(workflows.get(0).expectedVersion()).isEqualTo(6);
            assertThat(workflows.get(0).next().status()).isEqualTo(WorkflowStatus.IN_PROGRESS);
            assertThat(workflows.get(0).next().updatedAt()).isEqualTo(T3);
        }

        @Test
        void completing_a_step_of_a_workflow_that_was_not_started_releases_nothing() {
            Workflow workflow = workflow(false, WorkflowStatus.PENDING);
            List<Task> steps = steps(3, b -> b.inProgressOn(bot, 1));
            Task completed = completedOnBot(steps.get(0));
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.advance(workflow, steps, completed, T3, changes);

            TaskChanges built = changes.build();
            assertThat(built.tasks()).isEmpty();
            assertThat(built.events()).isEmpty();
            assertThat(built.workflows()).singleElement()
                    .satisfies(w -> assertThat(w.next().status()).isEqualTo(WorkflowStatus.IN_PROGRESS));
        }

        @Test
        void completing_the_last_step_completes_the_workflow() {
            Workflow workflow = workflow(true, WorkflowStatus.IN_PROGRESS);
            Task first = aTask().completedOn(bot, 1, Map.of()).stepOf(workflowId, 0).build();
            Task last = aTask().inProgressOn(bot, 1).stepOf(workflowId, 1).build();
            Task completed = completedOnBot(last);
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.advance(workflow, List.of(first, last), completed, T3, changes);

            TaskChanges built = changes.build();
            assertThat(built.tasks()).isEmpty();
            assertThat(built.workflows()).singleElement()
                    .satisfies(w -> assertThat(w.next().status()).isEqualTo(WorkflowStatus.COMPLETED));
        }

        @Test
        void a_failed_step_cancels_every_later_step_and_fails_the_workflow() {
            Workflow workflow = workflow(true, WorkflowStatus.IN_PROGRESS);
            Task done = aTask().completedOn(bot, 1, Map.of()).stepOf(workflowId, 0).build();
            Task running = aTask().inProgressOn(bot, 1).stepOf(workflowId, 1).build();
            Task third = aTask().waiting().stepOf(workflowId, 2).version(1).build();
            Task fourth = aTask().waiting().stepOf(workflowId, 3).version(1).build();
            Task failed = changed(running.fail(new Fence(1, bot.id()), "crash", T3));
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.advance(workflow, List.of(done, running, third, fourth), failed, T3, changes);

            TaskChanges built = changes.build();
            assertThat(built.tasks()).extracting(v -> v.next().id()).containsExactly(third.id(), fourth.id());
            assertThat(built.tasks()).allSatisfy(v -> {
                assertThat(v.next().status()).isEqualTo(TaskStatus.CANCELLED);
                assertThat(v.next().error()).isEqualTo("step 1 failed");
                assertThat(v.expectedVersion()).isEqualTo(1);
            });
            assertThat(built.events()).allSatisfy(e -> {
                assertThat(e.actor()).isEqualTo(Actor.system());
                assertThat(e.reason()).isEqualTo("step 1 failed");
                assertThat(e.from()).isEqualTo(TaskStatus.WAITING);
            });
            assertThat(built.workflows()).singleElement()
                    .satisfies(w -> assertThat(w.next().status()).isEqualTo(WorkflowStatus.FAILED));
        }

        @Test
        void a_cancelled_step_cancels_every_later_step_and_the_workflow() {
            Workflow workflow = workflow(true, WorkflowStatus.PENDING);
            List<Task> steps = steps(3, b -> b.pending());
            Task cancelled = changed(steps.get(0).cancel("not needed", T4));
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.advance(workflow, steps, cancelled, T4, changes);

            TaskChanges built = changes.build();
            assertThat(built.tasks()).extracting(v -> v.next().id())
                    .containsExactly(steps.get(1).id(), steps.get(2).id());
            assertThat(built.tasks()).extracting(v -> v.next().error()).containsOnly("step 0 cancelled");
            assertThat(built.workflows()).singleElement()
                    .satisfies(w -> assertThat(w.next().status()).isEqualTo(WorkflowStatus.CANCELLED));
        }

        @Test
        void a_later_step_that_is_already_cancelled_is_not_written_again() {
            Workflow workflow = workflow(true, WorkflowStatus.IN_PROGRESS);
            Task running = aTask().inProgressOn(bot, 1).stepOf(workflowId, 0).build();
            Task alreadyCancelled = aTask().cancelled("by hand").stepOf(workflowId, 1).build();
            Task waiting = aTask().waiting().stepOf(workflowId, 2).build();
            Task failed = changed(running.fail(Fence.none(), "crash", T3));
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.advance(workflow, List.of(running, alreadyCancelled, waiting), failed, T3, changes);

            assertThat(changes.build().tasks()).extracting(v -> v.next().id()).containsExactly(waiting.id());
        }

        @Test
        void steps_given_out_of_order_are_taken_in_their_workflow_order() {
            Workflow workflow = workflow(true, WorkflowStatus.IN_PROGRESS);
            List<Task> steps = steps(3, b -> b.inProgressOn(bot, 1));
            List<Task> shuffled = List.of(steps.get(2), steps.get(0), steps.get(1));
            Task completed = completedOnBot(steps.get(0));
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.advance(workflow, shuffled, completed, T3, changes);

            assertThat(changes.build().tasks()).extracting(v -> v.next().id()).containsExactly(steps.get(1).id());
        }

        @Test
        void a_step_taken_by_a_bot_only_moves_the_workflow_in_progress() {
            Workflow workflow = workflow(true, WorkflowStatus.PENDING);
            List<Task> steps = steps(2, b -> b.pending());
            Task assigned = changed(steps.get(0).assign(bot, T1));
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.advance(workflow, steps, assigned, T1, changes);

            TaskChanges built = changes.build();
            assertThat(built.tasks()).isEmpty();
            assertThat(built.workflows()).singleElement()
                    .satisfies(w -> assertThat(w.next().status()).isEqualTo(WorkflowStatus.IN_PROGRESS));
        }
    }

    @Nested
    class Start {

        @Test
        void starting_releases_the_first_step_and_writes_the_started_workflow() {
            Workflow before = workflow(false, WorkflowStatus.PENDING);
            Workflow started = changed(before.start(T1));
            List<Task> steps = steps(3, b -> b.waiting());
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.start(before, started, List.of(steps.get(1), steps.get(2), steps.get(0)), T1, changes);

            TaskChanges built = changes.build();
            assertThat(built.tasks()).singleElement().satisfies(v -> {
                assertThat(v.next().id()).isEqualTo(steps.get(0).id());
                assertThat(v.next().status()).isEqualTo(TaskStatus.PENDING);
                assertThat(v.expectedVersion()).isEqualTo(2);
            });
            assertThat(built.events()).singleElement().satisfies(e -> {
                assertThat(e.reason()).isEqualTo("workflow started");
                assertThat(e.actor()).isEqualTo(Actor.system());
            });
            assertThat(built.workflows()).containsExactly(new Versioned<>(started, 6));
        }

        @Test
        void a_first_step_that_is_no_longer_waiting_is_left_alone() {
            Workflow before = workflow(false, WorkflowStatus.PENDING);
            Workflow started = changed(before.start(T1));
            List<Task> steps = steps(2, Tasks::pending);
            TaskChanges.Builder changes = TaskChanges.builder();

            SequentialPlan.start(before, started, steps, T1, changes);

            TaskChanges built = changes.build();
            assertThat(built.tasks()).isEmpty();
            assertThat(built.workflows()).containsExactly(new Versioned<>(started, 6));
        }
    }
}
