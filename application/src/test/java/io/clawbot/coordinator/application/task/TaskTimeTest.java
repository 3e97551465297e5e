package io.clawbot.coordinator.application.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.fakes.UseCases;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Time in the use cases, with a clock the test moves: retries and their backoff, execution and
 * schedule-to-start timeouts, dead letters and redrive, delayed tasks and stale bots.
 */
class TaskTimeTest {

    private final FakeWorld world = new FakeWorld();
    private final UseCases app = new UseCases(world);
    private final Dispatcher dispatcher = app.dispatcher;
    private final Bot bot = connected("renderer", "render");

    private Bot connected(String name, String... capabilities) {
        Bot b = world.onlineBot(name, capabilities);
        world.channel.connect(b, world.clock.instant());
        return b;
    }

    /** Three attempts, waits of 10 s then 20 s, and the world's jitter draw of 0.5 takes 10 % off each. */
    private static final RetryPolicy.Overrides THREE_TRIES = new RetryPolicy.Overrides(3, 10.0, 2.0, 60.0, 0.2,
            List.of("invalid_input"));

    private Task submit(TaskSpec spec) {
        return app.submit.submit(new SubmitTaskCommand(spec, null)).await().indefinitely().resource();
    }

    private Task submit(RetryPolicy.Overrides retry, Integer scheduleToStart) {
        return submit(TaskSpec.of("render", null, Map.of(), 30).withTiming(retry, scheduleToStart, null, null));
    }

    private int dispatch() {
        return dispatcher.dispatch().await().indefinitely();
    }

    private Task stored(Task task) {
        return world.db.task(task.id());
    }

    private Task startOn(Task task) {
        Task held = stored(task);
        return reportTask(app, new TaskReport.Start(task.id(), new Fence(held.attempt(), bot.id()),
                Actor.bot(bot.id()))).await().indefinitely();
    }

    private Task fail(Task task, String error, String code) {
        Task held = stored(task);
        return reportTask(app, new TaskReport.Fail(task.id(), new Fence(held.attempt(), bot.id()),
                Actor.bot(bot.id()), error, code)).await().indefinitely();
    }

    private TaskTransitioned last(Task task) {
        return world.db.history(task.id()).getLast();
    }

    @Nested
    class Retries {

        @Test
        void a_failure_with_attempts_left_waits_for_its_backoff_before_it_is_dispatched_again() {
            Task task = submit(THREE_TRIES, null);
            assertThat(dispatch()).isEqualTo(1);
            Instant failedAt = world.clock.advance(Duration.ofSeconds(1));

            Task retried = fail(task, "render farm hiccup", null);

            assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(retried.runAt()).isEqualTo(failedAt.plusSeconds(9));
            assertThat(last(task).cause()).isEqualTo("retry_scheduled");
            assertThat(last(task).reason()).isEqualTo("failed: render farm hiccup; retry as attempt 2 of 3 in 9.0 s");
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);

            world.clock.advance(Duration.ofMillis(8_999));
            assertThat(dispatch()).as("not before the backoff").isZero();
            world.clock.advance(Duration.ofMillis(1));
            assertThat(dispatch()).isEqualTo(1);
            assertThat(stored(task).attempt()).isEqualTo(2);
        }

        @Test
        void the_waits_grow_by_the_multiplier_and_the_last_failure_ends_in_the_dead_letters() {
            Task task = submit(THREE_TRIES, null);
            dispatch();
            Instant first = world.clock.advance(Duration.ofSeconds(1));
            assertThat(fail(task, "one", null).runAt()).isEqualTo(first.plusSeconds(9));
            world.clock.advance(Duration.ofSeconds(9));
            dispatch();
            Instant second = world.clock.advance(Duration.ofSeconds(1));
            assertThat(fail(task, "two", null).runAt()).isEqualTo(second.plusSeconds(18));
            world.clock.advance(Duration.ofSeconds(18));
            dispatch();

            Task dead = fail(task, "three", null);

            assertThat(dead.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(dead.attemptsMade()).isEqualTo(3);
            assertThat(last(task).reason()).isEqualTo("failed: three; no attempts left (3 made)");
            assertThat(world.tasks.list(TaskQuery.deadLetters(null), PageRequest.first(10)).await().indefinitely())
                    .extracting(Task::id).containsExactly(task.id());
        }

        @Test
        void a_non_retryable_error_code_ends_the_task_at_once() {
            Task task = submit(THREE_TRIES, null);
            dispatch();

            Task failed = fail(task, "not a scene", "invalid_input");

            assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(failed.errorCode()).isEqualTo("invalid_input");
            assertThat(last(task).reason()).isEqualTo("failed: not a scene; error code invalid_input is not retried");
        }

        @Test
        void a_task_type_without_its_own_policy_gets_the_configured_default() {
            RetryDefaults defaults = new RetryDefaults(RetryPolicy.DEFAULT,
                    Map.of("render", new RetryPolicy.Overrides(7, null, null, null, null, null)));
            UseCases configured = new UseCases(world, defaults);

            Task render = configured.submit
                    .submit(new SubmitTaskCommand(TaskSpec.of("render", null, Map.of(), null), null))
                    .await().indefinitely().resource();
            Task encode = configured.submit
                    .submit(new SubmitTaskCommand(TaskSpec.of("encode", null, Map.of(), null), null))
                    .await().indefinitely().resource();
            Task mine = configured.submit.submit(new SubmitTaskCommand(TaskSpec.of("render", null, Map.of(), null)
                    .withTiming(new RetryPolicy.Overrides(2, null, null, null, null, null), null, null, null), null))
                    .await().indefinitely().resource();

            assertThat(render.retry().maxAttempts()).isEqualTo(7);
            assertThat(encode.retry().maxAttempts()).isEqualTo(3);
            assertThat(mine.retry().maxAttempts()).isEqualTo(2);
        }
    }

    @Nested
    class Timeouts {

        @Test
        void a_running_task_past_its_execution_timeout_is_retried_and_its_bot_told() {
            Task task = submit(THREE_TRIES, null);
            dispatch();
            startOn(task);
            world.clock.advance(Duration.ofSeconds(30));
            assertThat(app.expire.expireDeadlines(10).await().indefinitely()).as("not before the deadline").isZero();

            Instant late = world.clock.advance(Duration.ofMillis(1500));
            assertThat(app.expire.expireDeadlines(10).await().indefinitely()).isEqualTo(1);

            Task retried = stored(task);
            assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(retried.errorCode()).isEqualTo("execution_timeout");
            assertThat(retried.error()).isEqualTo(
                    "execution_timeout: attempt 1 ran longer than its timeout of 30 s (exceeded by 1.5 s)");
            assertThat(retried.runAt()).isEqualTo(late.plusSeconds(9));
            assertThat(last(task).cause()).isEqualTo("execution_timeout");
            assertThat(world.channel.cancels()).singleElement()
                    .satisfies(c -> assertThat(c.reason()).startsWith("execution_timeout: attempt 1"));
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
            assertThat(app.expire.expireDeadlines(10).await().indefinitely()).as("handled once").isZero();
        }

        @Test
        void on_the_last_attempt_the_execution_timeout_ends_the_task_timed_out() {
            Task task = submit(new RetryPolicy.Overrides(1, null, null, null, null, null), null);
            dispatch();
            startOn(task);
            world.clock.advance(Duration.ofSeconds(31));

            app.expire.expireDeadlines(10).await().indefinitely();

            assertThat(stored(task).status()).isEqualTo(TaskStatus.TIMED_OUT);
            assertThat(stored(task).isDeadLetter()).isTrue();
            assertThat(last(task).reason()).endsWith("; no attempts left (1 made)");
        }

        @Test
        void a_task_nobody_starts_within_its_schedule_to_start_limit_times_out() {
            Task task = submit(TaskSpec.of("paint", null, Map.of(), null).withTiming(null, 60, null, null));
            world.clock.advance(Duration.ofSeconds(60));
            assertThat(app.expire.expireDeadlines(10).await().indefinitely()).isZero();

            world.clock.advance(Duration.ofMillis(250));
            assertThat(app.expire.expireDeadlines(10).await().indefinitely()).isEqualTo(1);

            assertThat(stored(task).status()).isEqualTo(TaskStatus.TIMED_OUT);
            assertThat(stored(task).errorCode()).isEqualTo("schedule_to_start_timeout");
            assertThat(stored(task).error()).contains("limit of 60 s (exceeded by 0.3 s)");
            assertThat(world.channel.cancels()).as("no bot held it").isEmpty();
        }

        @Test
        void one_sweep_works_off_a_backlog_of_passed_deadlines_batch_by_batch_up_to_its_bound() {
            int batch = 10;
            int backlog = batch * (ExpireAttempts.MAX_ROUNDS + 2);
            List<Task> tasks = new java.util.ArrayList<>();
            for (int i = 0; i < backlog; i++) {
                tasks.add(submit(TaskSpec.of("paint", null, Map.of(), null).withTiming(null, 60, null, null)));
            }
            world.clock.advance(Duration.ofSeconds(61));

            assertThat(app.expire.expireDeadlines(batch).await().indefinitely()).as("the first sweep")
                    .isEqualTo(batch * ExpireAttempts.MAX_ROUNDS);
            assertThat(app.expire.expireDeadlines(batch).await().indefinitely()).as("the next").isEqualTo(2 * batch);
            assertThat(tasks).allSatisfy(task -> assertThat(stored(task).status()).isEqualTo(TaskStatus.TIMED_OUT));
            assertThat(app.expire.expireDeadlines(batch).await().indefinitely()).as("nothing left").isZero();
        }

        @Test
        void one_sweep_ends_a_backlog_of_lapsed_leases() {
            List<Task> tasks = new java.util.ArrayList<>();
            for (int i = 0; i < 25; i++) {
                tasks.add(submit(new RetryPolicy.Overrides(1, null, null, null, null, null), null));
            }
            Bot wide = world.onlineBotWithSlots("wide", 30, "render");
            world.channel.connect(wide, world.clock.instant());
            while (dispatch() > 0) {
                // until every task is assigned
            }
            world.clock.advance(FakeWorld.TERMS.ackTimeout().plusMillis(1));

            assertThat(app.expire.releaseExpiredLeases(4).await().indefinitely()).isEqualTo(25);
            assertThat(tasks).allSatisfy(task -> assertThat(stored(task).status()).isEqualTo(TaskStatus.TIMED_OUT));
        }

        @Test
        void a_lapsed_lease_ends_the_attempt_and_the_last_one_times_the_task_out() {
            Task task = submit(new RetryPolicy.Overrides(2, null, null, null, null, null), null);
            dispatch();
            world.clock.advance(FakeWorld.TERMS.ackTimeout().plusMillis(1));
            app.expire.releaseExpiredLeases(10).await().indefinitely();
            assertThat(stored(task).status()).isEqualTo(TaskStatus.PENDING);
            assertThat(stored(task).runAt()).as("no backoff after a lost lease").isNull();

            dispatch();
            world.clock.advance(FakeWorld.TERMS.ackTimeout().plusMillis(1));
            app.expire.releaseExpiredLeases(10).await().indefinitely();

            assertThat(stored(task).status()).isEqualTo(TaskStatus.TIMED_OUT);
            assertThat(stored(task).errorCode()).isEqualTo("ack_timeout");
            assertThat(world.db.history(task.id())).extracting(TaskTransitioned::cause)
                    .containsExactly("created", "assigned", "ack_timeout", "assigned", "ack_timeout");
        }
    }

    @Nested
    class Redrive {

        @Test
        void a_dead_letter_goes_back_to_the_queue_with_fresh_attempts_and_can_complete() {
            Task task = submit(new RetryPolicy.Overrides(1, null, null, null, null, null), null);
            dispatch();
            fail(task, "boom", null);

            Task redriven = app.redrive.redrive(task.id()).await().indefinitely();

            assertThat(redriven.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(redriven.attemptsMade()).isZero();
            assertThat(last(task).cause()).isEqualTo("redriven");
            assertThat(world.signal.count()).isPositive();
            dispatch();
            assertThat(stored(task).attempt()).isEqualTo(2);
            Task done = reportTask(app, new TaskReport.Complete(task.id(), new Fence(2, bot.id()),
                    Actor.bot(bot.id()), Map.of("ok", true))).await().indefinitely();
            assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
        }

        @Test
        void only_a_failed_or_timed_out_task_is_redriven() {
            Task task = submit(THREE_TRIES, null);

            assertThatThrownBy(() -> app.redrive.redrive(task.id()).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("only a failed or timed-out task can be redriven");
        }
    }

    @Nested
    class DelayedTasks {

        @Test
        void a_delayed_task_is_not_dispatched_before_its_time() {
            Task task = submit(TaskSpec.of("render", null, Map.of(), null).withTiming(null, null, null,
                    Duration.ofSeconds(5)));
            assertThat(task.runAt()).isEqualTo(FakeWorld.START.plusSeconds(5));

            world.clock.advance(Duration.ofMillis(4_999));
            assertThat(dispatch()).isZero();
            world.clock.advance(Duration.ofMillis(1));
            assertThat(dispatch()).isEqualTo(1);
        }
    }

    @Nested
    class StaleBots {

        @Test
        void a_bot_without_heartbeats_goes_offline_and_its_tasks_leases_lapse() {
            Task task = submit(THREE_TRIES, null);
            dispatch();
            startOn(task);
            BotLifecycle bots = app.bots;
            world.clock.advance(FakeWorld.STALE_AFTER.plusSeconds(1));

            assertThat(bots.markStaleOffline().await().indefinitely()).isEqualTo(1);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.OFFLINE);
            world.clock.advance(Duration.ofMillis(1));
            assertThat(app.expire.releaseExpiredLeases(10).await().indefinitely()).isEqualTo(1);

            assertThat(stored(task).status()).isEqualTo(TaskStatus.PENDING);
            assertThat(stored(task).errorCode()).isEqualTo("lease_expired");
            assertThat(bots.markStaleOffline().await().indefinitely()).as("already offline").isZero();
        }
    }

    private static io.smallrye.mutiny.Uni<io.clawbot.coordinator.domain.task.Task> reportTask(UseCases app,
            io.clawbot.coordinator.application.task.TaskReport report) {
        return app.report.report(report).map(io.clawbot.coordinator.application.task.Reported::task);
    }
}
