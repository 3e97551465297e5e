package io.clawbot.coordinator.application.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.fakes.UseCases;
import io.clawbot.coordinator.application.task.RetryDefaults;
import io.clawbot.coordinator.application.task.TaskReport;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowQuery;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WorkflowLifecycleTest {

    private final FakeWorld world = new FakeWorld();
    /** Steps get one attempt, so a failure fails the step; retries have their own tests. */
    private static final RetryDefaults NO_RETRY = new RetryDefaults(
            RetryPolicy.DEFAULT.with(new RetryPolicy.Overrides(1, null, null, null, null, null)), Map.of());

    private final UseCases app = new UseCases(world, NO_RETRY);
    private final WorkflowLifecycle lifecycle = app.workflows;
    private final Bot bot = world.onlineBot("r1", "render");

    private static CreateWorkflowCommand command(boolean autoStart, IdempotencyKey key, String... payloads) {
        List<Map<String, Object>> stepPayloads = Arrays.stream(payloads).<Map<String, Object>>map(
                p -> Map.of("step", p)).toList();
        return CreateWorkflowCommand.of("nightly", "the nightly render", "render", 3, 120, stepPayloads,
                Map.of("team", "video"), autoStart, key);
    }

    private WorkflowWithTasks create(boolean autoStart, String... payloads) {
        return lifecycle.create(command(autoStart, null, payloads)).await().indefinitely().resource();
    }

    private Workflow stored(WorkflowId id) {
        return lifecycle.get(id).await().indefinitely();
    }

    private List<TaskStatus> stepStatuses(WorkflowId id) {
        return lifecycle.getWithTasks(id).await().indefinitely().tasks().stream().map(Task::status).toList();
    }

    /** The bot takes the step and completes it. */
    private void runToCompletion(TaskId step) {
        Task assigned = app.assign.assign(step, bot.id()).await().indefinitely();
        reportTask(app, new TaskReport.Complete(step, new Fence(assigned.attempt(), bot.id()), Actor.bot(bot.id()),
                Map.of("ok", true))).await().indefinitely();
    }

    @Nested
    class Create {

        @Test
        void an_auto_started_workflow_has_its_first_step_pending_and_the_rest_waiting() {
            Created<WorkflowWithTasks> created = lifecycle.create(command(true, null, "a", "b", "c"))
                    .await().indefinitely();

            WorkflowWithTasks result = created.resource();
            Workflow workflow = result.workflow();
            assertThat(created.replayed()).isFalse();
            assertThat(workflow.status()).isEqualTo(WorkflowStatus.PENDING);
            assertThat(workflow.startedAt()).isEqualTo(FakeWorld.START);
            assertThat(workflow.taskIds()).containsExactlyElementsOf(result.tasks().stream().map(Task::id).toList());
            assertThat(result.tasks()).extracting(Task::status)
                    .containsExactly(TaskStatus.PENDING, TaskStatus.WAITING, TaskStatus.WAITING);
            assertThat(result.tasks()).extracting(Task::workflowPosition).containsExactly(0, 1, 2);
            assertThat(result.tasks()).allSatisfy(t -> {
                assertThat(t.workflowId()).isEqualTo(workflow.id());
                assertThat(t.type()).isEqualTo("render");
                assertThat(t.priority()).isEqualTo(3);
                assertThat(t.timeoutSeconds()).isEqualTo(120);
            });
            assertThat(result.tasks().get(1).payload()).containsEntry("step", "b");
            assertThat(stepStatuses(workflow.id()))
                    .containsExactly(TaskStatus.PENDING, TaskStatus.WAITING, TaskStatus.WAITING);
            assertThat(world.db.allHistory()).extracting(TaskTransitioned::reason)
                    .containsExactly("created", "created", "created");
        }

        @Test
        void a_workflow_without_auto_start_waits_with_every_step() {
            WorkflowWithTasks created = create(false, "a", "b");

            assertThat(created.workflow().isStarted()).isFalse();
            assertThat(stepStatuses(created.workflow().id())).containsOnly(TaskStatus.WAITING);
        }

        @Test
        void auto_start_is_the_default() {
            CreateWorkflowCommand command = CreateWorkflowCommand.of("n", null, null, null, null,
                    List.of(Map.of()), null, null, null);

            assertThat(command.autoStart()).isTrue();
        }

        @Test
        void creating_again_under_the_same_key_and_body_replays_the_workflow_with_its_steps() {
            IdempotencyKey key = new IdempotencyKey("wf-1", "sha256:a");
            WorkflowWithTasks first = lifecycle.create(command(true, key, "a", "b")).await().indefinitely()
                    .resource();
            int tasksBefore = world.db.taskCount();

            Created<WorkflowWithTasks> again = lifecycle.create(command(true, key, "a", "b")).await().indefinitely();

            assertThat(again.replayed()).isTrue();
            assertThat(again.resource().workflow().id()).isEqualTo(first.workflow().id());
            assertThat(again.resource().tasks()).extracting(Task::id)
                    .containsExactlyElementsOf(first.tasks().stream().map(Task::id).toList());
            assertThat(world.db.taskCount()).isEqualTo(tasksBefore);
        }

        @Test
        void the_same_key_with_another_body_is_refused() {
            lifecycle.create(command(true, new IdempotencyKey("wf-1", "sha256:a"), "a")).await().indefinitely();

            assertThatThrownBy(() -> lifecycle.create(command(true, new IdempotencyKey("wf-1", "sha256:b"), "x"))
                    .await().indefinitely()).isInstanceOf(IdempotencyKeyReusedException.class);
            assertThat(world.db.taskCount()).isEqualTo(1);
        }

        @Test
        void a_workflow_needs_at_least_one_step() {
            assertThatThrownBy(() -> command(true, null))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("task_payloads"));
            assertThatThrownBy(() -> CreateWorkflowCommand.of("n", null, null, null, null, null, null, true, null))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("task_payloads"));
        }

        @Test
        void a_missing_step_payload_is_named_by_its_index() {
            List<Map<String, Object>> payloads = Arrays.asList(Map.of(), null);

            assertThatThrownBy(() -> CreateWorkflowCommand.of("n", null, null, null, null, payloads, null, true, null))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("task_payloads[1]"));
        }

        @Test
        void an_unknown_workflow_is_not_found() {
            assertThatThrownBy(() -> lifecycle.get(new WorkflowId(new UUID(9, 9))).await().indefinitely())
                    .isInstanceOfSatisfying(NotFoundException.class,
                            e -> assertThat(e.code()).isEqualTo("workflow-not-found"));
        }
    }

    @Nested
    class Start {

        @Test
        void starting_releases_the_first_step() {
            WorkflowId id = create(false, "a", "b").workflow().id();
            world.clock.advance(Duration.ofSeconds(5));

            Workflow started = lifecycle.start(id).await().indefinitely();

            assertThat(started.startedAt()).isEqualTo(world.clock.instant());
            assertThat(stored(id).startedAt()).isEqualTo(world.clock.instant());
            assertThat(stored(id).version()).isEqualTo(1);
            assertThat(stepStatuses(id)).containsExactly(TaskStatus.PENDING, TaskStatus.WAITING);
            Task first = lifecycle.getWithTasks(id).await().indefinitely().tasks().get(0);
            assertThat(world.db.history(first.id())).last().satisfies(e -> {
                assertThat(e.reason()).isEqualTo("workflow started");
                assertThat(e.actor()).isEqualTo(Actor.system());
            });
        }

        @Test
        void a_second_start_is_rejected_and_changes_nothing() {
            WorkflowId id = create(false, "a", "b").workflow().id();
            lifecycle.start(id).await().indefinitely();
            Workflow before = stored(id);

            assertThatThrownBy(() -> lifecycle.start(id).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("was already started");
            assertThat(stored(id)).isEqualTo(before);
        }

        @Test
        void an_auto_started_workflow_cannot_be_started_again() {
            WorkflowId id = create(true, "a").workflow().id();

            assertThatThrownBy(() -> lifecycle.start(id).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class);
            assertThat(world.unitOfWork.appliedCount()).isZero();
        }
    }

    @Nested
    class Signals {

        @Test
        void creating_a_workflow_signals_work_but_replaying_it_does_not() {
            IdempotencyKey key = new IdempotencyKey("wf-1", "sha256:a");

            lifecycle.create(command(true, key, "a", "b")).await().indefinitely();
            assertThat(world.signal.count()).isEqualTo(1);
            lifecycle.create(command(true, key, "a", "b")).await().indefinitely();
            assertThat(world.signal.count()).isEqualTo(1);
        }

        @Test
        void starting_a_workflow_signals_work_and_a_refused_start_does_not() {
            WorkflowId id = create(false, "a").workflow().id();
            world.signal.reset();

            lifecycle.start(id).await().indefinitely();
            assertThat(world.signal.count()).isEqualTo(1);
            assertThatThrownBy(() -> lifecycle.start(id).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class);
            assertThat(world.signal.count()).isEqualTo(1);
        }

        @Test
        void a_completed_step_signals_its_freed_slot_and_the_next_step() {
            WorkflowWithTasks created = create(true, "a", "b");
            Task assigned = app.assign.assign(created.tasks().get(0).id(), bot.id()).await().indefinitely();
            world.signal.reset();

            reportTask(app, new TaskReport.Complete(assigned.id(), new Fence(1, bot.id()), Actor.bot(bot.id()),
                    Map.of())).await().indefinitely();

            assertThat(world.signal.count()).isEqualTo(1);
            assertThat(stepStatuses(created.workflow().id())).containsExactly(TaskStatus.COMPLETED,
                    TaskStatus.PENDING);
        }
    }

    @Nested
    class Progress {

        @Test
        void a_completed_step_makes_the_next_one_pending_and_the_workflow_in_progress() {
            WorkflowWithTasks created = create(true, "a", "b", "c");
            WorkflowId id = created.workflow().id();

            runToCompletion(created.tasks().get(0).id());

            assertThat(stepStatuses(id)).containsExactly(TaskStatus.COMPLETED, TaskStatus.PENDING, TaskStatus.WAITING);
            assertThat(stored(id).status()).isEqualTo(WorkflowStatus.IN_PROGRESS);
            assertThat(world.db.history(created.tasks().get(1).id())).last().satisfies(e -> {
                assertThat(e.to()).isEqualTo(TaskStatus.PENDING);
                assertThat(e.reason()).isEqualTo("dependencies completed: step-1");
                assertThat(e.actor()).isEqualTo(Actor.system());
            });
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void completing_every_step_completes_the_workflow() {
            WorkflowWithTasks created = create(true, "a", "b");

            created.tasks().forEach(step -> runToCompletion(step.id()));

            assertThat(stepStatuses(created.workflow().id())).containsOnly(TaskStatus.COMPLETED);
            assertThat(stored(created.workflow().id()).status()).isEqualTo(WorkflowStatus.COMPLETED);
        }

        @Test
        void a_waiting_step_cannot_be_assigned_before_its_turn() {
            WorkflowWithTasks created = create(true, "a", "b");

            assertThatThrownBy(() -> app.assign.assign(created.tasks().get(1).id(), bot.id()).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("is waiting");
        }

        @Test
        void assigning_a_step_puts_the_workflow_in_progress() {
            WorkflowWithTasks created = create(true, "a", "b");

            app.assign.assign(created.tasks().get(0).id(), bot.id()).await().indefinitely();

            assertThat(stored(created.workflow().id()).status()).isEqualTo(WorkflowStatus.IN_PROGRESS);
        }

        @Test
        void a_failed_step_skips_the_later_steps_and_fails_the_workflow() {
            WorkflowWithTasks created = create(true, "a", "b", "c");
            WorkflowId id = created.workflow().id();
            runToCompletion(created.tasks().get(0).id());
            TaskId second = created.tasks().get(1).id();
            Task assigned = app.assign.assign(second, bot.id()).await().indefinitely();

            reportTask(app, new TaskReport.Fail(second, new Fence(assigned.attempt(), bot.id()), Actor.bot(bot.id()),
                    "corrupt input")).await().indefinitely();

            assertThat(stepStatuses(id)).containsExactly(TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.SKIPPED);
            assertThat(stored(id).status()).isEqualTo(WorkflowStatus.FAILED);
            assertThat(world.db.task(created.tasks().get(2).id()).error())
                    .isEqualTo("skipped: depends on 'step-2', which ended failed");
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void cancelling_a_step_skips_the_later_steps_and_cancels_the_workflow() {
            WorkflowWithTasks created = create(true, "a", "b", "c");
            WorkflowId id = created.workflow().id();

            app.cancel.cancel(created.tasks().get(0).id(), "not needed").await().indefinitely();

            assertThat(stepStatuses(id)).containsExactly(TaskStatus.CANCELLED, TaskStatus.SKIPPED, TaskStatus.SKIPPED);
            assertThat(stored(id).status()).isEqualTo(WorkflowStatus.CANCELLED);
            assertThat(world.db.task(created.tasks().get(1).id()).error())
                    .isEqualTo("skipped: depends on 'step-1', which ended cancelled");
        }

        @Test
        void workflows_are_listed_by_status_newest_first() {
            WorkflowId older = create(true, "a").workflow().id();
            world.clock.advance(Duration.ofSeconds(1));
            WorkflowWithTasks newer = create(true, "a");
            world.clock.advance(Duration.ofSeconds(1));
            WorkflowId cancelled = create(true, "a").workflow().id();
            app.cancel.cancel(world.db.workflow(cancelled).taskIds().get(0), null).await().indefinitely();

            assertThat(lifecycle.list(new WorkflowQuery(null), PageRequest.first(10)).await().indefinitely())
                    .extracting(Workflow::id).containsExactly(cancelled, newer.workflow().id(), older);
            assertThat(lifecycle.list(new WorkflowQuery(WorkflowStatus.PENDING), PageRequest.first(10))
                    .await().indefinitely()).extracting(Workflow::id).containsExactly(newer.workflow().id(), older);
        }
    }

    /** Runs left behind by the race of their last steps in earlier releases, moved on once at start-up. */
    @Nested
    class RepairingStalledRuns {

        private int repair() {
            return app.repairStalled.repair().await().indefinitely();
        }

        @Test
        void a_run_whose_steps_all_completed_but_that_stayed_in_progress_completes() {
            WorkflowWithTasks created = create(true, "a", "b");
            created.tasks().forEach(step -> runToCompletion(step.id()));
            Workflow done = stored(created.workflow().id());
            world.db.overwrite(done.withStatus(WorkflowStatus.IN_PROGRESS, done.updatedAt()));

            assertThat(repair()).isEqualTo(1);

            assertThat(stored(created.workflow().id()).status()).isEqualTo(WorkflowStatus.COMPLETED);
            assertThat(repair()).isZero();
        }

        @Test
        void a_step_left_waiting_after_its_dependency_completed_becomes_pending() {
            WorkflowWithTasks created = create(true, "a", "b");
            runToCompletion(created.tasks().get(0).id());
            Task next = world.db.task(created.tasks().get(1).id());
            Task waiting = Task.createStep(next.id(), io.clawbot.coordinator.domain.task.TaskSpec.of("render", 3,
                    next.payload(), 120), created.workflow().id(), 1, false, next.createdAt());
            world.db.overwrite(new Task(waiting.id(), waiting.type(), waiting.status(), waiting.priority(),
                    waiting.payload(), null, null, null, waiting.timeoutSeconds(), waiting.workflowId(),
                    waiting.workflowPosition(), null, 0, waiting.createdAt(), waiting.updatedAt(), null, null, null,
                    next.version(), next.retry(), null, null, null, null, 0, null, null, null, null, null, null));
            int signals = world.signal.count();

            assertThat(repair()).isEqualTo(1);

            assertThat(stepStatuses(created.workflow().id())).containsExactly(TaskStatus.COMPLETED,
                    TaskStatus.PENDING);
            assertThat(world.signal.count()).isGreaterThan(signals);
        }

        @Test
        void runs_that_are_moving_or_not_started_are_left_alone() {
            WorkflowWithTasks moving = create(true, "a", "b");
            WorkflowWithTasks notStarted = create(false, "a");
            long movingVersion = stored(moving.workflow().id()).version();

            assertThat(repair()).isZero();

            assertThat(stored(moving.workflow().id()).version()).isEqualTo(movingVersion);
            assertThat(stepStatuses(notStarted.workflow().id())).containsExactly(TaskStatus.WAITING);
        }
    }

    @Nested
    class Delete {

        @Test
        void a_workflow_no_bot_works_on_is_deleted_with_its_steps_and_their_history() {
            WorkflowWithTasks created = create(true, "a", "b");
            runToCompletion(created.tasks().get(0).id());

            lifecycle.delete(created.workflow().id()).await().indefinitely();

            assertThat(world.db.workflow(created.workflow().id())).isNull();
            assertThat(created.tasks()).allSatisfy(step -> {
                assertThat(world.db.task(step.id())).isNull();
                assertThat(world.db.history(step.id())).isEmpty();
            });
        }

        @Test
        void a_workflow_with_a_step_held_by_a_bot_cannot_be_deleted() {
            WorkflowWithTasks created = create(true, "a", "b");
            app.assign.assign(created.tasks().get(0).id(), bot.id()).await().indefinitely();

            assertThatThrownBy(() -> lifecycle.delete(created.workflow().id()).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("1 step(s) held by a bot");
            assertThat(world.db.workflow(created.workflow().id())).isNotNull();
            assertThat(world.db.taskCount()).isEqualTo(2);
        }

        @Test
        void a_step_cannot_be_deleted_on_its_own() {
            WorkflowWithTasks created = create(true, "a");
            TaskId step = created.tasks().get(0).id();

            assertThatThrownBy(() -> app.delete.delete(step).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("delete the workflow instead");
            assertThat(world.db.task(step)).isNotNull();
        }

        @Test
        void deleting_an_unknown_workflow_is_not_found() {
            assertThatThrownBy(() -> lifecycle.delete(new WorkflowId(new UUID(9, 9))).await().indefinitely())
                    .isInstanceOf(NotFoundException.class);
        }
    }

    private static io.smallrye.mutiny.Uni<io.clawbot.coordinator.domain.task.Task> reportTask(UseCases app,
            io.clawbot.coordinator.application.task.TaskReport report) {
        return app.report.report(report).map(io.clawbot.coordinator.application.task.Reported::task);
    }
}
