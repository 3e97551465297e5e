package io.clawbot.coordinator.application.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.fakes.RacingUnitOfWork;
import io.clawbot.coordinator.application.fakes.UseCases;
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
    private final RacingUnitOfWork racing = new RacingUnitOfWork(world.unitOfWork);
    private final UseCases lifecycle = new UseCases(world, world.retries, racing, world.channel);
    /** Another request handled beside the one under test, writing straight to the store. */
    private final UseCases competitor = new UseCases(world);

    private Bot bot;
    private Task assigned;
    private Fence fence;

    @BeforeEach
    void a_task_assigned_to_a_bot() {
        bot = world.onlineBot("r1", "render");
        Task task = competitor.submit.submit(new SubmitTaskCommand(TaskSpec.of("render", null, null, null), null))
                .await().indefinitely().resource();
        assigned = competitor.assign.assign(task.id(), bot.id()).await().indefinitely();
        fence = new Fence(assigned.attempt(), null);
    }

    /** An operator's completion, naming the attempt but no bot: decided the full way, which these races are about. */
    private TaskReport.Complete completion(Map<String, Object> result) {
        return new TaskReport.Complete(assigned.id(), fence, Actor.api(), result);
    }

    private int completions() {
        return (int) world.db.history(assigned.id()).stream().filter(e -> e.to() == TaskStatus.COMPLETED).count();
    }

    @Test
    void a_write_that_lost_a_race_is_retried_and_succeeds() {
        racing.failNextApply();

        Task completed = reportTask(lifecycle, completion(Map.of("frames", 24))).await().indefinitely();

        assertThat(completed.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(racing.applyCalls()).isEqualTo(2);
        assertThat(world.unitOfWork.appliedCount()).isEqualTo(2);
        assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
        assertThat(completions()).isEqualTo(1);
    }

    @Test
    void a_duplicate_report_that_won_the_race_turns_the_retry_into_an_idempotent_repeat() {
        racing.beforeNextApply(() -> reportTask(competitor, completion(Map.of("frames", 24))).await().indefinitely());

        Task answer = reportTask(lifecycle, completion(Map.of("frames", 99))).await().indefinitely();

        assertThat(answer.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(answer.result()).containsEntry("frames", 24);
        assertThat(world.db.task(assigned.id()).result()).containsEntry("frames", 24);
        assertThat(world.unitOfWork.conflictCount()).isEqualTo(1);
        assertThat(racing.applyCalls()).isEqualTo(1);
        assertThat(completions()).isEqualTo(1);
    }

    @Test
    void a_retry_is_decided_against_fresh_state_and_may_then_be_rejected() {
        racing.beforeNextApply(() -> competitor.cancel.cancel(assigned.id(), "operator stop").await().indefinitely());

        assertThatThrownBy(() -> reportTask(lifecycle, completion(Map.of())).await().indefinitely())
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
        Task other = competitor.submit.submit(new SubmitTaskCommand(TaskSpec.of("render", null, null, null), null))
                .await().indefinitely().resource();
        Bot second = world.onlineBot("r2", "render");
        racing.failNextApply();

        Task result = lifecycle.assign.assign(other.id(), second.id()).await().indefinitely();

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

        assertThatThrownBy(() -> reportTask(lifecycle, completion(Map.of())).await().indefinitely())
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.isConcurrentModification()).isTrue());
        assertThat(racing.applyCalls()).isEqualTo(5);
        assertThat(world.db.task(assigned.id()).status()).isEqualTo(TaskStatus.ASSIGNED);
        assertThat(completions()).isZero();
    }

    private static io.smallrye.mutiny.Uni<io.clawbot.coordinator.domain.task.Task> reportTask(UseCases app,
            io.clawbot.coordinator.application.task.TaskReport report) {
        return app.report.report(report).map(io.clawbot.coordinator.application.task.Reported::task);
    }
}
