package io.clawbot.coordinator.application.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.fakes.RacingTaskStore;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Steps that lose a race on their conditional write are decided again against fresh state. */
class TaskLifecycleRaceTest {

    private final FakeWorld world = new FakeWorld();
    private final RacingTaskStore racing = new RacingTaskStore(world.tasks);
    private final TaskLifecycle lifecycle = new TaskLifecycle(racing, world.bots, world.workflows, world.channel,
            world.ids, world.clock, world.signal, world.retries, world.random);
    /** Another request handled beside the one under test, writing straight to the store. */
    private final TaskLifecycle competitor = new TaskLifecycle(world.tasks, world.bots, world.workflows,
            world.channel, world.ids, world.clock, world.signal, world.retries, world.random);

    private Bot bot;
    private Task assigned;
    private Fence fence;

    @BeforeEach
    void a_task_assigned_to_a_bot() {
        bot = world.onlineBot("r1", "render");
        Task task = competitor.submit(new SubmitTaskCommand(TaskSpec.of("render", null, null, null), null))
                .await().indefinitely().resource();
        assigned = competitor.assign(task.id(), bot.id()).await().indefinitely();
        fence = new Fence(assigned.attempt(), bot.id());
    }

    private TaskReport.Complete completion(Map<String, Object> result) {
        return new TaskReport.Complete(assigned.id(), fence, Actor.bot(bot.id()), result);
    }

    private int completions() {
        return (int) world.db.history(assigned.id()).stream().filter(e -> e.to() == TaskStatus.COMPLETED).count();
    }

    @Test
    void a_write_that_lost_a_race_is_retried_and_succeeds() {
        racing.failNextApply();

        Task completed = lifecycle.report(completion(Map.of("frames", 24))).await().indefinitely();

        assertThat(completed.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(racing.applyCalls()).isEqualTo(2);
        assertThat(world.tasks.appliedCount()).isEqualTo(2);
        assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
        assertThat(completions()).isEqualTo(1);
    }

    @Test
    void a_duplicate_report_that_won_the_race_turns_the_retry_into_an_idempotent_repeat() {
        racing.beforeNextApply(() -> competitor.report(completion(Map.of("frames", 24))).await().indefinitely());

        Task answer = lifecycle.report(completion(Map.of("frames", 99))).await().indefinitely();

        assertThat(answer.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(answer.result()).containsEntry("frames", 24);
        assertThat(world.db.task(assigned.id()).result()).containsEntry("frames", 24);
        assertThat(world.tasks.conflictCount()).isEqualTo(1);
        assertThat(racing.applyCalls()).isEqualTo(1);
        assertThat(completions()).isEqualTo(1);
    }

    @Test
    void a_retry_is_decided_against_fresh_state_and_may_then_be_rejected() {
        racing.beforeNextApply(() -> competitor.cancel(assigned.id(), "operator stop").await().indefinitely());

        assertThatThrownBy(() -> lifecycle.report(completion(Map.of())).await().indefinitely())
                .isInstanceOf(InvalidTransitionException.class)
                .hasMessageContaining("is cancelled");

        Task stored = world.db.task(assigned.id());
        assertThat(stored.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(stored.error()).isEqualTo("operator stop");
        assertThat(world.db.history(assigned.id())).extracting(TaskTransitioned::to)
                .containsExactly(TaskStatus.PENDING, TaskStatus.ASSIGNED, TaskStatus.CANCELLED);
    }

    @Test
    void a_lost_race_on_assignment_is_retried() {
        Task other = competitor.submit(new SubmitTaskCommand(TaskSpec.of("render", null, null, null), null))
                .await().indefinitely().resource();
        Bot second = world.onlineBot("r2", "render");
        racing.failNextApply();

        Task result = lifecycle.assign(other.id(), second.id()).await().indefinitely();

        assertThat(result.botId()).isEqualTo(second.id());
        assertThat(racing.applyCalls()).isEqualTo(2);
        assertThat(world.db.bot(second.id()).status()).isEqualTo(BotStatus.BUSY);
        assertThat(world.db.history(other.id())).hasSize(2);
    }

    @Test
    void a_step_that_keeps_losing_gives_up_after_five_attempts_and_writes_nothing() {
        for (int i = 0; i < 10; i++) {
            racing.failNextApply();
        }

        assertThatThrownBy(() -> lifecycle.report(completion(Map.of())).await().indefinitely())
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.isConcurrentModification()).isTrue());
        assertThat(racing.applyCalls()).isEqualTo(5);
        assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.ASSIGNED);
        assertThat(completions()).isZero();
    }
}
