package io.clawbot.coordinator.application.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.FakeBotChannel;
import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.fakes.RacingUnitOfWork;
import io.clawbot.coordinator.application.fakes.UseCases;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TaskLifecycleTest {

    private final FakeWorld world = new FakeWorld();
    private final UseCases app = new UseCases(world);

    /** A task with one attempt in all: a failure ends it. */
    private Task submitOnce(String type) {
        TaskSpec spec = TaskSpec.of(type, null, Map.of("n", 1), null)
                .withTiming(new RetryPolicy.Overrides(1, null, null, null, null, null), null, null, null);
        return app.submit.submit(new SubmitTaskCommand(spec, null)).await().indefinitely().resource();
    }

    private Task submit(String type) {
        return app.submit.submit(new SubmitTaskCommand(TaskSpec.of(type, null, Map.of("n", 1), null), null))
                .await().indefinitely().resource();
    }

    private Task assign(Task task, Bot bot) {
        return app.assign.assign(task.id(), bot.id()).await().indefinitely();
    }

    private Task report(TaskReport report) {
        return reportTask(app, report).await().indefinitely();
    }

    private static Fence fence(Task task) {
        return new Fence(task.attempt(), task.botId());
    }

    private static TaskReport.Start start(Task task, Fence fence) {
        return new TaskReport.Start(task.id(), fence, Actor.bot(task.botId()));
    }

    private static TaskReport.Complete complete(Task task, Fence fence, Map<String, Object> result) {
        return new TaskReport.Complete(task.id(), fence, Actor.bot(task.botId()), result);
    }

    private static TaskReport.Fail fail(Task task, Fence fence, String error) {
        return new TaskReport.Fail(task.id(), fence, Actor.bot(task.botId()), error);
    }

    private Instant tick() {
        return world.clock.advance(Duration.ofSeconds(5));
    }

    @Nested
    class Submit {

        @Test
        void a_submitted_task_is_stored_pending_with_its_creation_in_the_history() {
            Created<Task> created = app.submit.submit(new SubmitTaskCommand(
                    TaskSpec.of("render", 5, Map.of("scene", 1), 60), null)).await().indefinitely();

            Task task = created.resource();
            assertThat(created.replayed()).isFalse();
            assertThat(task.id()).isEqualTo(new TaskId(new UUID(0, 1)));
            assertThat(world.db.task(task.id())).isEqualTo(task);
            assertThat(task.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(task.priority()).isEqualTo(5);
            assertThat(task.createdAt()).isEqualTo(FakeWorld.START);
            assertThat(world.db.history(task.id())).containsExactly(new TaskTransitioned(task.id(), null,
                    TaskStatus.PENDING, 0, Actor.api(), "created", FakeWorld.START, "created"));
        }

        @Test
        void submitting_again_under_the_same_key_and_body_replays_the_first_task() {
            IdempotencyKey key = new IdempotencyKey("order-42", "sha256:body-a");
            SubmitTaskCommand command = new SubmitTaskCommand(TaskSpec.of("render", null, Map.of(), null), key);

            Created<Task> first = app.submit.submit(command).await().indefinitely();
            tick();
            Created<Task> again = app.submit.submit(command).await().indefinitely();

            assertThat(again.replayed()).isTrue();
            assertThat(again.resource()).isEqualTo(first.resource());
            assertThat(world.db.taskCount()).isEqualTo(1);
            assertThat(world.db.allHistory()).hasSize(1);
        }

        @Test
        void the_same_key_with_another_body_is_refused_and_creates_nothing() {
            app.submit.submit(new SubmitTaskCommand(TaskSpec.of("render", null, Map.of(), null),
                    new IdempotencyKey("order-42", "sha256:body-a"))).await().indefinitely();

            assertThatThrownBy(() -> app.submit.submit(new SubmitTaskCommand(TaskSpec.of("encode", null, Map.of(),
                    null), new IdempotencyKey("order-42", "sha256:body-b"))).await().indefinitely())
                    .isInstanceOfSatisfying(IdempotencyKeyReusedException.class,
                            e -> assertThat(e.getMessage()).contains("order-42"));
            assertThat(world.db.taskCount()).isEqualTo(1);
        }

        @Test
        void submissions_without_a_key_always_create_new_tasks() {
            Task first = submit("render");
            Task second = submit("render");

            assertThat(first.id()).isNotEqualTo(second.id());
            assertThat(world.db.taskCount()).isEqualTo(2);
        }

        @Test
        void an_unknown_task_is_not_found() {
            TaskId unknown = new TaskId(new UUID(9, 9));

            assertThatThrownBy(() -> app.queries.get(unknown).await().indefinitely())
                    .isInstanceOfSatisfying(NotFoundException.class,
                            e -> assertThat(e.code()).isEqualTo("task-not-found"));
        }
    }

    @Nested
    class Assign {

        @Test
        void assigning_to_an_online_bot_makes_it_busy_and_pushes_the_task_to_it() {
            Bot bot = world.onlineBot("r1", "render");
            world.channel.connect(bot.id(), FakeWorld.START);
            Task task = submit("render");
            Instant at = tick();

            Task assigned = assign(task, bot);

            assertThat(assigned.status()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(assigned.botId()).isEqualTo(bot.id());
            assertThat(assigned.attempt()).isEqualTo(1);
            assertThat(assigned.assignedAt()).isEqualTo(at);
            Task stored = world.db.task(task.id());
            assertThat(stored.status()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(stored.version()).isEqualTo(1);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
            assertThat(world.db.bot(bot.id()).version()).isEqualTo(1);
            assertThat(world.db.history(task.id())).last().satisfies(e -> {
                assertThat(e.from()).isEqualTo(TaskStatus.PENDING);
                assertThat(e.to()).isEqualTo(TaskStatus.ASSIGNED);
                assertThat(e.attempt()).isEqualTo(1);
                assertThat(e.actor()).isEqualTo(Actor.api());
                assertThat(e.reason()).isEqualTo("assigned to bot " + bot.id());
            });
            assertThat(world.channel.delivered()).extracting(Task::id).containsExactly(task.id());
        }

        @Test
        void a_bot_that_is_not_connected_here_still_gets_the_assignment_but_no_message() {
            Bot bot = world.onlineBot("r1", "render");
            Task task = submit("render");

            assign(task, bot);

            assertThat(world.db.task(task.id()).status()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(world.channel.pushed()).extracting(Task::id).containsExactly(task.id());
            assertThat(world.channel.delivered()).isEmpty();
        }

        @Test
        void an_offline_bot_keeps_its_status_when_it_is_given_a_task() {
            Bot bot = world.offlineBot("r1", "render");
            Task task = submit("render");

            assign(task, bot);

            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.OFFLINE);
            assertThat(world.db.bot(bot.id()).version()).isZero();
        }

        @Test
        void a_busy_bot_taking_another_task_stays_busy_without_a_bot_write() {
            Bot bot = world.onlineBot("r1", "render");
            assign(submit("render"), bot);
            long botVersion = world.db.bot(bot.id()).version();

            assign(submit("render"), bot);

            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
            assertThat(world.db.bot(bot.id()).version()).isEqualTo(botVersion);
        }

        @Test
        void a_bot_without_the_capability_is_refused_and_nothing_is_written() {
            Bot bot = world.onlineBot("e1", "encode");
            Task task = submit("render");

            assertThatThrownBy(() -> assign(task, bot))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("lacks capability 'render'");
            assertThat(world.db.task(task.id()).status()).isEqualTo(TaskStatus.PENDING);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
            assertThat(world.unitOfWork.appliedCount()).isZero();
            assertThat(world.channel.pushed()).isEmpty();
        }

        @Test
        void an_untyped_task_goes_to_a_bot_without_capabilities() {
            Bot bot = world.onlineBot("generalist");
            Task task = submit(null);

            assertThat(assign(task, bot).botId()).isEqualTo(bot.id());
        }

        @Test
        void assigning_again_to_the_same_bot_writes_nothing_but_pushes_the_task_again() {
            Bot bot = world.onlineBot("r1", "render");
            Task task = submit("render");
            Task first = assign(task, bot);

            Task again = assign(task, bot);

            assertThat(again.attempt()).isEqualTo(first.attempt());
            assertThat(world.unitOfWork.appliedCount()).isEqualTo(1);
            assertThat(world.db.history(task.id())).hasSize(2);
            assertThat(world.channel.pushed()).hasSize(2);
        }

        @Test
        void a_task_held_by_one_bot_cannot_be_assigned_to_another() {
            Bot first = world.onlineBot("r1", "render");
            Bot second = world.onlineBot("r2", "render");
            Task task = submit("render");
            assign(task, first);

            assertThatThrownBy(() -> assign(task, second)).isInstanceOf(InvalidTransitionException.class);
            assertThat(world.db.task(task.id()).botId()).isEqualTo(first.id());
            assertThat(world.db.bot(second.id()).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void an_unknown_bot_or_task_is_not_found() {
            Bot bot = world.onlineBot("r1", "render");
            Task task = submit("render");

            assertThatThrownBy(() -> app.assign.assign(task.id(), new BotId(new UUID(9, 9))).await().indefinitely())
                    .isInstanceOfSatisfying(NotFoundException.class,
                            e -> assertThat(e.code()).isEqualTo("bot-not-found"));
            assertThatThrownBy(() -> app.assign.assign(new TaskId(new UUID(9, 9)), bot.id()).await().indefinitely())
                    .isInstanceOfSatisfying(NotFoundException.class,
                            e -> assertThat(e.code()).isEqualTo("task-not-found"));
        }
    }

    @Nested
    class Reports {

        private final Bot bot = world.onlineBot("r1", "render");

        @Test
        void the_assigned_bot_starts_the_task() {
            Task assigned = assign(submit("render"), bot);
            Instant at = tick();

            Task started = report(start(assigned, fence(assigned)));

            assertThat(started.status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(started.startedAt()).isEqualTo(at);
            assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(world.db.history(assigned.id())).last().satisfies(e -> {
                assertThat(e.actor()).isEqualTo(Actor.bot(bot.id()));
                assertThat(e.reason()).isEqualTo("started");
                assertThat(e.attempt()).isEqualTo(1);
            });
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
        }

        @Test
        void a_duplicate_start_answers_with_the_stored_task_without_a_second_write() {
            Task assigned = assign(submit("render"), bot);
            Task first = report(start(assigned, fence(assigned)));
            int writes = world.unitOfWork.appliedCount();
            int events = world.db.history(assigned.id()).size();
            tick();

            Task again = report(start(assigned, fence(assigned)));

            assertThat(again).isEqualTo(world.db.task(assigned.id()));
            assertThat(again.startedAt()).isEqualTo(first.startedAt());
            assertThat(world.unitOfWork.appliedCount()).isEqualTo(writes);
            assertThat(world.db.history(assigned.id())).hasSize(events);
        }

        @Test
        void a_start_from_a_stale_attempt_is_rejected_and_changes_nothing() {
            Task assigned = assign(submit("render"), bot);
            Task before = world.db.task(assigned.id());

            assertThatThrownBy(() -> report(start(assigned, new Fence(0, bot.id()))))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageStartingWith("Stale attempt 0");
            assertThat(world.db.task(assigned.id())).isEqualTo(before);
        }

        @Test
        void a_report_from_a_bot_the_task_is_not_assigned_to_is_rejected() {
            Bot intruder = world.onlineBot("r2", "render");
            Task assigned = assign(submit("render"), bot);

            assertThatThrownBy(() -> report(new TaskReport.Complete(assigned.id(), new Fence(1, intruder.id()),
                    Actor.bot(intruder.id()), Map.of("x", 1))))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("is not assigned to bot " + intruder.id());
            assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.ASSIGNED);
        }

        @Test
        void completing_the_last_held_task_stores_the_result_and_frees_the_bot() {
            Task assigned = assign(submit("render"), bot);
            report(start(assigned, fence(assigned)));
            Instant at = tick();

            Task completed = report(complete(assigned, fence(assigned), Map.of("frames", 24)));

            assertThat(completed.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(completed.result()).containsEntry("frames", 24);
            assertThat(completed.completedAt()).isEqualTo(at);
            assertThat(world.db.task(assigned.id()).result()).containsEntry("frames", 24);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
            assertThat(world.db.history(assigned.id())).extracting(TaskTransitioned::reason)
                    .containsExactly("created", "assigned to bot " + bot.id(), "started", "completed");
        }

        @Test
        void a_bot_still_holding_another_task_stays_busy_after_completing_one() {
            Task first = assign(submit("render"), bot);
            assign(submit("render"), bot);

            report(complete(first, fence(first), Map.of()));

            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
        }

        @Test
        void a_duplicate_complete_answers_with_the_first_result_without_a_second_write() {
            Task assigned = assign(submit("render"), bot);
            report(complete(assigned, fence(assigned), Map.of("frames", 24)));
            int writes = world.unitOfWork.appliedCount();
            int events = world.db.allHistory().size();

            Task again = report(complete(assigned, fence(assigned), Map.of("frames", 99)));

            assertThat(again.result()).containsEntry("frames", 24);
            assertThat(world.db.task(assigned.id()).result()).containsEntry("frames", 24);
            assertThat(world.unitOfWork.appliedCount()).isEqualTo(writes);
            assertThat(world.db.allHistory()).hasSize(events);
        }

        @Test
        void a_complete_from_a_stale_attempt_is_rejected() {
            Task assigned = assign(submit("render"), bot);

            assertThatThrownBy(() -> report(complete(assigned, new Fence(2, bot.id()), Map.of())))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessage("Stale attempt 2 for task " + assigned.id() + "; the current attempt is 1");
            assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
        }

        @Test
        void a_failure_on_the_last_attempt_stores_the_error_and_frees_the_bot() {
            Task assigned = assign(submitOnce("render"), bot);

            Task failed = report(fail(assigned, fence(assigned), "out of memory"));

            assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(world.db.task(assigned.id()).error()).isEqualTo("out of memory");
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
            assertThat(world.db.history(assigned.id())).last()
                    .satisfies(
                            e -> assertThat(e.reason()).isEqualTo("failed: out of memory; no attempts left (1 made)"));
        }

        @Test
        void a_duplicate_failure_writes_nothing() {
            Task assigned = assign(submit("render"), bot);
            report(fail(assigned, fence(assigned), "out of memory"));
            int writes = world.unitOfWork.appliedCount();

            Task again = report(fail(assigned, fence(assigned), "disk full"));

            assertThat(again.error()).isEqualTo("out of memory");
            assertThat(world.unitOfWork.appliedCount()).isEqualTo(writes);
            assertThat(world.db.history(assigned.id())).hasSize(3);
        }

        @Test
        void a_failure_from_a_stale_attempt_is_rejected() {
            Task assigned = assign(submit("render"), bot);

            assertThatThrownBy(() -> report(fail(assigned, new Fence(0, bot.id()), "late")))
                    .isInstanceOf(InvalidTransitionException.class);
            assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.ASSIGNED);
        }

        @Test
        void a_completed_task_cannot_fail_afterwards() {
            Task assigned = assign(submit("render"), bot);
            report(complete(assigned, fence(assigned), Map.of()));

            assertThatThrownBy(() -> report(fail(assigned, fence(assigned), "late")))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("is completed");
        }

        @Test
        void an_operator_report_without_a_fence_is_recorded_as_the_api() {
            Task assigned = assign(submit("render"), bot);

            report(new TaskReport.Complete(assigned.id(), null, null, null));

            assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(world.db.history(assigned.id())).last()
                    .satisfies(e -> assertThat(e.actor()).isEqualTo(Actor.api()));
        }

        @Test
        void a_report_on_a_pending_task_is_rejected() {
            Task pending = submit("render");

            assertThatThrownBy(() -> report(new TaskReport.Start(pending.id(), Fence.none(), Actor.api())))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("only an assigned task can be started");
        }
    }

    @Nested
    class Cancel {

        @Test
        void a_pending_task_is_cancelled_with_the_default_reason() {
            Task task = submit("render");

            Task cancelled = app.cancel.cancel(task.id(), "  ").await().indefinitely();

            assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(cancelled.error()).isEqualTo("cancelled by request");
            assertThat(world.db.history(task.id())).last().satisfies(e -> {
                assertThat(e.reason()).isEqualTo("cancelled by request");
                assertThat(e.actor()).isEqualTo(Actor.api());
            });
        }

        @Test
        void the_given_reason_is_recorded() {
            Task task = submit("render");

            app.cancel.cancel(task.id(), "customer withdrew").await().indefinitely();

            assertThat(world.db.task(task.id()).error()).isEqualTo("customer withdrew");
        }

        @Test
        void cancelling_a_task_held_by_a_bot_frees_the_bot() {
            Bot bot = world.onlineBot("r1", "render");
            Task assigned = assign(submit("render"), bot);

            app.cancel.cancel(assigned.id(), null).await().indefinitely();

            assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void cancelling_twice_writes_once() {
            Task task = submit("render");
            app.cancel.cancel(task.id(), "first").await().indefinitely();

            Task again = app.cancel.cancel(task.id(), "second").await().indefinitely();

            assertThat(again.error()).isEqualTo("first");
            assertThat(world.unitOfWork.appliedCount()).isEqualTo(1);
            assertThat(world.db.history(task.id())).hasSize(2);
        }

        @Test
        void a_finished_task_cannot_be_cancelled() {
            Bot bot = world.onlineBot("r1", "render");
            Task assigned = assign(submit("render"), bot);
            report(complete(assigned, fence(assigned), Map.of()));

            assertThatThrownBy(() -> app.cancel.cancel(assigned.id(), null).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("a finished task cannot be cancelled");
            assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.COMPLETED);
        }
    }

    @Nested
    class CancelHeldTask {

        private final Bot bot = world.onlineBot("r1", "render");

        @BeforeEach
        void the_bot_is_connected_here() {
            world.channel.connect(bot, world.clock.instant());
        }

        @Test
        void cancelling_an_assigned_task_tells_its_bot_to_stop() {
            Task assigned = assign(submit("render"), bot);

            app.cancel.cancel(assigned.id(), "customer withdrew").await().indefinitely();

            assertThat(world.channel.deliveredCancels()).singleElement().satisfies(c -> {
                assertThat(c.reason()).isEqualTo("customer withdrew");
                assertThat(c.task().id()).isEqualTo(assigned.id());
                assertThat(c.task().botId()).isEqualTo(bot.id());
                assertThat(c.task().attempt()).isEqualTo(1);
                assertThat(c.task().status()).isEqualTo(TaskStatus.ASSIGNED);
            });
        }

        @Test
        void cancelling_a_running_task_tells_its_bot_with_the_default_reason() {
            Task assigned = assign(submit("render"), bot);
            report(start(assigned, fence(assigned)));

            app.cancel.cancel(assigned.id(), null).await().indefinitely();

            assertThat(world.channel.deliveredCancels()).singleElement().satisfies(c -> {
                assertThat(c.reason()).isEqualTo("cancelled by request");
                assertThat(c.task().status()).isEqualTo(TaskStatus.IN_PROGRESS);
            });
        }

        @Test
        void a_bot_is_told_once_however_often_the_task_is_cancelled() {
            Task assigned = assign(submit("render"), bot);

            app.cancel.cancel(assigned.id(), "first").await().indefinitely();
            app.cancel.cancel(assigned.id(), "second").await().indefinitely();

            assertThat(world.channel.cancels()).extracting(FakeBotChannel.Cancel::reason).containsExactly("first");
        }

        @Test
        void no_bot_is_told_about_a_task_none_held() {
            Task pending = submit("render");

            app.cancel.cancel(pending.id(), null).await().indefinitely();

            assertThat(world.channel.cancels()).isEmpty();
        }

        @Test
        void a_cancel_for_a_bot_connected_elsewhere_is_still_offered_to_the_channel() {
            world.channel.disconnect(bot.id());
            Task assigned = assign(submit("render"), bot);

            Task cancelled = app.cancel.cancel(assigned.id(), null).await().indefinitely();

            assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(world.channel.cancels()).hasSize(1);
            assertThat(world.channel.deliveredCancels()).isEmpty();
        }
    }

    @Nested
    class ExpiredLeases {

        private final Bot bot = world.onlineBot("r1", "render");
        private final Dispatcher dispatcher = app.dispatcher;

        @BeforeEach
        void the_bot_is_connected_here() {
            world.channel.connect(bot, world.clock.instant());
        }

        private Task claimed(String type) {
            Task task = submit(type);
            dispatcher.dispatch().await().indefinitely();
            return world.db.task(task.id());
        }

        private int sweep() {
            return app.expire.releaseExpiredLeases(100).await().indefinitely();
        }

        @Test
        void an_assignment_that_is_not_accepted_in_time_is_offered_again_once() {
            Task assigned = claimed("render");
            world.signal.reset();
            world.clock.advance(FakeWorld.TERMS.ackTimeout());
            assertThat(sweep()).isZero();
            Instant at = world.clock.advance(Duration.ofMillis(1));

            assertThat(sweep()).isEqualTo(1);

            Task released = world.db.task(assigned.id());
            assertThat(released.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(released.botId()).isNull();
            assertThat(released.attempt()).isEqualTo(1);
            assertThat(released.assignedAt()).isNull();
            assertThat(world.db.leaseExpiresAt(assigned.id())).isNull();
            TaskTransitioned release = world.db.history(assigned.id()).getLast();
            assertThat(release).isEqualTo(new TaskTransitioned(assigned.id(), TaskStatus.ASSIGNED,
                    TaskStatus.PENDING, 1, Actor.system(), release.reason(), at, "ack_timeout"));
            assertThat(release.reason()).contains("did not accept attempt 1 in time")
                    .endsWith("retry as attempt 2 of 3 at once");
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
            assertThat(world.channel.deliveredCancels()).singleElement().satisfies(c -> {
                assertThat(c.task()).isEqualTo(assigned);
                assertThat(c.reason()).isEqualTo(release.reason());
            });
            assertThat(world.signal.count()).isPositive();

            world.clock.advance(Duration.ofMinutes(5));
            assertThat(sweep()).isZero();
            assertThat(world.db.history(assigned.id())).hasSize(3);
            assertThat(world.channel.cancels()).hasSize(1);
        }

        @Test
        void the_next_claim_is_a_new_attempt_and_reports_for_the_old_one_are_refused() {
            Task first = claimed("render");
            world.clock.advance(FakeWorld.TERMS.ackTimeout().plusSeconds(1));
            sweep();

            dispatcher.dispatch().await().indefinitely();

            Task second = world.db.task(first.id());
            assertThat(second.status()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(second.botId()).isEqualTo(bot.id());
            assertThat(second.attempt()).isEqualTo(2);
            assertThat(world.channel.delivered()).extracting(Task::attempt).containsExactly(1, 2);
            assertThatThrownBy(() -> report(start(second, new Fence(1, bot.id()))))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessage("Stale attempt 1 for task " + first.id() + "; the current attempt is 2");
            assertThatThrownBy(() -> report(complete(second, new Fence(1, bot.id()), Map.of("late", true))))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageStartingWith("Stale attempt 1");
            assertThat(world.db.task(first.id())).isEqualTo(second);
            assertThat(report(start(second, fence(second))).status()).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        @Test
        void a_report_for_the_released_attempt_before_the_task_is_claimed_again_is_refused() {
            Task assigned = claimed("render");
            world.clock.advance(FakeWorld.TERMS.ackTimeout().plusSeconds(1));
            sweep();

            assertThatThrownBy(() -> report(complete(assigned, fence(assigned), Map.of())))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("is not assigned to bot " + bot.id());
            assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void a_running_task_whose_bot_went_silent_is_offered_again() {
            Task assigned = claimed("render");
            report(start(assigned, fence(assigned)));
            world.clock.advance(FakeWorld.TERMS.ackTimeout().plusSeconds(1));
            assertThat(sweep()).isZero();
            world.clock.advance(FakeWorld.TERMS.lease());

            assertThat(sweep()).isEqualTo(1);

            assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.PENDING);
            assertThat(world.db.task(assigned.id()).startedAt()).isNull();
            String why = world.db.history(assigned.id()).getLast().reason();
            assertThat(why).contains(bot.id().toString()).contains("silent");
            assertThat(world.db.history(assigned.id())).last().satisfies(e -> {
                assertThat(e.from()).isEqualTo(TaskStatus.IN_PROGRESS);
                assertThat(e.actor()).isEqualTo(Actor.system());
            });
            assertThat(world.channel.cancels()).extracting(FakeBotChannel.Cancel::reason).containsExactly(why);
        }

        @Test
        void a_sweep_reads_batch_after_full_batch_up_to_its_bound() {
            Bot big = world.onlineBotWithSlots("r2", 30, "render");
            world.channel.connect(big, world.clock.instant());
            int lapsed = 2 * ExpireAttempts.MAX_ROUNDS + 3;
            for (int i = 0; i < lapsed; i++) {
                claimed("render");
            }
            world.clock.advance(Duration.ofMinutes(1));

            // Batches of 2: a sweep reads again while the batch it read was full, at most MAX_ROUNDS batches.
            assertThat(app.expire.releaseExpiredLeases(2).await().indefinitely())
                    .isEqualTo(2 * ExpireAttempts.MAX_ROUNDS);
            assertThat(app.expire.releaseExpiredLeases(2).await().indefinitely()).isEqualTo(3);
            assertThat(app.expire.releaseExpiredLeases(2).await().indefinitely()).isZero();
            assertThat(world.tasks.all()).extracting(Task::status).containsOnly(TaskStatus.PENDING);
        }

        @Test
        void a_sweep_that_finds_nothing_does_not_signal() {
            claimed("render");
            world.signal.reset();

            assertThat(sweep()).isZero();
            assertThat(world.signal.count()).isZero();
        }

        @Test
        void two_replicas_sweeping_at_once_release_a_task_only_once() {
            Task assigned = claimed("render");
            world.clock.advance(Duration.ofMinutes(1));
            RacingUnitOfWork racing = new RacingUnitOfWork(world.unitOfWork);
            UseCases replica = new UseCases(world, world.retries, racing, world.channel);
            racing.beforeNextApply(() -> assertThat(sweep()).isEqualTo(1));

            int released = replica.expire.releaseExpiredLeases(10).await().indefinitely();

            assertThat(released).isZero();
            assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.PENDING);
            assertThat(world.db.history(assigned.id())).filteredOn(e -> e.to() == TaskStatus.PENDING)
                    .hasSize(2);
            assertThat(world.channel.cancels()).hasSize(1);
        }
    }

    @Nested
    class WorkSignals {

        private final Bot bot = world.onlineBot("r1", "render");

        @Test
        void submitting_a_task_signals_work() {
            submit("render");

            assertThat(world.signal.count()).isEqualTo(1);
            assertThat(world.signal.localOnly()).as("every replica is told").isZero();
        }

        @Test
        void taking_or_starting_work_does_not_signal() {
            Task task = submit("render");
            world.signal.reset();

            Task assigned = assign(task, bot);
            report(start(assigned, fence(assigned)));

            assertThat(world.signal.count()).isZero();
        }

        @Test
        void completing_a_held_task_signals_a_free_slot() {
            Task assigned = assign(submit("render"), bot);
            world.signal.reset();

            report(complete(assigned, fence(assigned), Map.of()));

            assertThat(world.signal.count()).isEqualTo(1);
        }

        @Test
        void a_failure_or_a_cancel_of_a_held_task_signals_a_free_slot() {
            Task failing = assign(submit("render"), bot);
            Task cancelled = assign(submit("render"), bot);
            world.signal.reset();

            report(fail(failing, fence(failing), "boom"));
            assertThat(world.signal.count()).isEqualTo(1);
            app.cancel.cancel(cancelled.id(), null).await().indefinitely();
            assertThat(world.signal.count()).isEqualTo(2);
        }

        @Test
        void a_duplicate_report_or_a_refused_one_does_not_signal() {
            Task assigned = assign(submit("render"), bot);
            report(complete(assigned, fence(assigned), Map.of()));
            world.signal.reset();

            report(complete(assigned, fence(assigned), Map.of()));
            assertThatThrownBy(() -> report(fail(assigned, fence(assigned), "late")))
                    .isInstanceOf(InvalidTransitionException.class);

            assertThat(world.signal.count()).isZero();
        }

        @Test
        void cancelling_a_task_no_bot_holds_does_not_signal() {
            Task pending = submit("render");
            world.signal.reset();

            app.cancel.cancel(pending.id(), null).await().indefinitely();

            assertThat(world.signal.count()).isZero();
        }
    }

    @Nested
    class Delete {

        @Test
        void a_pending_standalone_task_is_deleted_with_its_history() {
            Task task = submit("render");

            app.delete.delete(task.id()).await().indefinitely();

            assertThat(world.db.task(task.id())).isNull();
            assertThat(world.db.history(task.id())).isEmpty();
        }

        @Test
        void a_finished_task_may_be_deleted() {
            Bot bot = world.onlineBot("r1", "render");
            Task assigned = assign(submit("render"), bot);
            report(fail(assigned, fence(assigned), "boom"));

            app.delete.delete(assigned.id()).await().indefinitely();

            assertThat(world.db.task(assigned.id())).isNull();
        }

        @Test
        void a_task_held_by_a_bot_must_be_cancelled_before_it_is_deleted() {
            Bot bot = world.onlineBot("r1", "render");
            Task assigned = assign(submit("render"), bot);

            assertThatThrownBy(() -> app.delete.delete(assigned.id()).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("cancel it before deleting it");
            assertThat(world.db.task(assigned.id())).isNotNull();
        }

        @Test
        void deleting_an_unknown_task_is_not_found() {
            assertThatThrownBy(() -> app.delete.delete(new TaskId(new UUID(9, 9))).await().indefinitely())
                    .isInstanceOf(NotFoundException.class);
        }

        @Test
        void a_deleted_task_frees_its_idempotency_key() {
            IdempotencyKey key = new IdempotencyKey("order-7", "sha256:a");
            SubmitTaskCommand command = new SubmitTaskCommand(TaskSpec.of("render", null, Map.of(), null), key);
            Task first = app.submit.submit(command).await().indefinitely().resource();
            app.delete.delete(first.id()).await().indefinitely();

            Created<Task> again = app.submit.submit(command).await().indefinitely();

            assertThat(again.replayed()).isFalse();
            assertThat(again.resource().id()).isNotEqualTo(first.id());
        }
    }

    @Nested
    class Broadcast {

        @Test
        void a_held_task_is_sent_again_to_its_connected_bot() {
            Bot bot = world.onlineBot("r1", "render");
            Task assigned = assign(submit("render"), bot);
            world.channel.connect(bot.id(), world.clock.instant());

            Task sent = app.assign.resend(assigned.id()).await().indefinitely();

            assertThat(sent.id()).isEqualTo(assigned.id());
            assertThat(world.channel.delivered()).extracting(Task::id).containsExactly(assigned.id());
        }

        @Test
        void a_bot_without_a_live_connection_cannot_be_sent_its_task() {
            Bot bot = world.onlineBot("r1", "render");
            Task assigned = assign(submit("render"), bot);

            assertThatThrownBy(() -> app.assign.resend(assigned.id()).await().indefinitely())
                    .isInstanceOfSatisfying(ConflictException.class,
                            e -> assertThat(e.code()).isEqualTo("bot-not-connected"));
        }

        @Test
        void a_task_no_bot_holds_cannot_be_sent() {
            Task pending = submit("render");

            assertThatThrownBy(() -> app.assign.resend(pending.id()).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class);
            assertThat(world.channel.pushed()).isEmpty();
        }
    }

    private static io.smallrye.mutiny.Uni<io.clawbot.coordinator.domain.task.Task> reportTask(UseCases app,
            io.clawbot.coordinator.application.task.TaskReport report) {
        return app.report.report(report).map(io.clawbot.coordinator.application.task.Reported::task);
    }
}
