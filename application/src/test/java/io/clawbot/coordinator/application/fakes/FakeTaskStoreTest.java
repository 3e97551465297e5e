package io.clawbot.coordinator.application.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskChanges;
import io.clawbot.coordinator.domain.task.TaskId;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fakes must keep the ports' contracts, or the use-case tests built on them prove nothing. */
class FakeTaskStoreTest {

    private final FakeWorld world = new FakeWorld();

    private Task stored() {
        Task task = Task.create(new TaskId(world.ids.next()), TaskSpec.of("render", null, Map.of(), null),
                world.clock.instant());
        return world.tasks.create(task, TaskTransitioned.created(task, Actor.api()), null).await().indefinitely()
                .resource();
    }

    @Test
    void a_write_raises_every_written_row_by_one_version() {
        Bot bot = world.onlineBot("b1", "render");
        Task task = stored();
        Task assigned = task.assign(bot, world.clock.instant()).orThrow();

        world.tasks.apply(TaskChanges.builder().task(task, assigned, Actor.api(), "assigned")
                .bot(bot, bot.tookTask(world.clock.instant())).build()).await().indefinitely();

        assertThat(world.db.task(task.id()).version()).isEqualTo(1);
        assertThat(world.db.task(task.id()).status()).isEqualTo(TaskStatus.ASSIGNED);
        assertThat(world.db.bot(bot.id()).version()).isEqualTo(1);
        assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
        assertThat(world.db.history(task.id())).hasSize(2);
        assertThat(world.tasks.appliedCount()).isEqualTo(1);
    }

    @Test
    void a_write_with_any_stale_version_fails_and_writes_nothing() {
        Bot bot = world.onlineBot("b1", "render");
        Task task = stored();
        Task assigned = task.assign(bot, world.clock.instant()).orThrow();
        Bot staleBot = new Bot(bot.id(), bot.name(), bot.capabilities(), bot.status(), bot.metadata(),
                bot.lastHeartbeatAt(), bot.createdAt(), bot.updatedAt(), 7);
        TaskChanges changes = TaskChanges.builder().task(task, assigned, Actor.api(), "assigned")
                .bot(staleBot, staleBot.tookTask(world.clock.instant())).build();

        assertThatThrownBy(() -> world.tasks.apply(changes).await().indefinitely())
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.isConcurrentModification()).isTrue());

        assertThat(world.db.task(task.id())).isEqualTo(task);
        assertThat(world.db.bot(bot.id())).isEqualTo(bot);
        assertThat(world.db.history(task.id())).hasSize(1);
        assertThat(world.tasks.appliedCount()).isZero();
        assertThat(world.tasks.conflictCount()).isEqualTo(1);
    }

    @Test
    void the_second_of_two_writes_computed_from_the_same_read_loses() {
        Task task = stored();
        Task cancelled = ((Transition.Changed<Task>) task.cancel("a", world.clock.instant())).next();
        TaskChanges first = TaskChanges.builder().task(task, cancelled, Actor.api(), "a").build();
        TaskChanges second = TaskChanges.builder().task(task, cancelled, Actor.api(), "b").build();

        world.tasks.apply(first).await().indefinitely();

        assertThatThrownBy(() -> world.tasks.apply(second).await().indefinitely())
                .isInstanceOf(ConflictException.class);
        assertThat(world.db.history(task.id())).extracting(TaskTransitioned::reason).containsExactly("created", "a");
    }

    @Test
    void a_repeated_key_with_the_same_fingerprint_replays_the_first_task() {
        IdempotencyKey key = new IdempotencyKey("k1", "fp-1");
        Task first = Task.create(new TaskId(world.ids.next()), TaskSpec.of(null, null, null, null),
                world.clock.instant());
        Task second = Task.create(new TaskId(world.ids.next()), TaskSpec.of(null, null, null, null),
                world.clock.instant());

        Created<Task> created = world.tasks.create(first, TaskTransitioned.created(first, Actor.api()), key)
                .await().indefinitely();
        Created<Task> replayed = world.tasks.create(second, TaskTransitioned.created(second, Actor.api()), key)
                .await().indefinitely();

        assertThat(created.replayed()).isFalse();
        assertThat(replayed.replayed()).isTrue();
        assertThat(replayed.resource()).isEqualTo(first);
        assertThat(world.db.taskCount()).isEqualTo(1);
        assertThat(world.db.allHistory()).hasSize(1);
    }

    @Test
    void a_repeated_key_with_another_fingerprint_is_refused() {
        Task first = Task.create(new TaskId(world.ids.next()), TaskSpec.of(null, null, null, null),
                world.clock.instant());
        Task second = Task.create(new TaskId(world.ids.next()), TaskSpec.of(null, null, null, null),
                world.clock.instant());
        world.tasks.create(first, TaskTransitioned.created(first, Actor.api()), new IdempotencyKey("k1", "fp-1"))
                .await().indefinitely();

        assertThatThrownBy(() -> world.tasks.create(second, TaskTransitioned.created(second, Actor.api()),
                new IdempotencyKey("k1", "fp-2")).await().indefinitely())
                .isInstanceOf(IdempotencyKeyReusedException.class);
        assertThat(world.db.task(second.id())).isNull();
    }

    @Test
    void a_delete_at_a_stale_version_deletes_nothing() {
        Task task = stored();

        assertThat(world.tasks.delete(task.id(), 3).await().indefinitely()).isFalse();
        assertThat(world.db.task(task.id())).isNotNull();
        assertThat(world.tasks.delete(task.id(), 0).await().indefinitely()).isTrue();
        assertThat(world.db.task(task.id())).isNull();
        assertThat(world.db.history(task.id())).isEmpty();
    }
}
