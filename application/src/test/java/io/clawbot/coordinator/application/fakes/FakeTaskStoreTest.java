package io.clawbot.coordinator.application.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotId;
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
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
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
                .bot(bot, bot.tookTask(1, world.clock.instant())).build()).await().indefinitely();

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
                bot.lastHeartbeatAt(), bot.createdAt(), bot.updatedAt(), bot.slots(), 7);
        TaskChanges changes = TaskChanges.builder().task(task, assigned, Actor.api(), "assigned")
                .bot(staleBot, staleBot.tookTask(1, world.clock.instant())).build();

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

    private Task stored(String type, int priority) {
        Task task = Task.create(new TaskId(world.ids.next()), TaskSpec.of(type, priority, Map.of(), null),
                world.clock.instant());
        return world.tasks.create(task, TaskTransitioned.created(task, Actor.api()), null).await().indefinitely()
                .resource();
    }

    private List<Task> claim(Bot bot, int slots) {
        return world.tasks.claim(bot.id(), bot.capabilities(), slots).await().indefinitely();
    }

    /** Writes a transition of a stored task the way a use case would. */
    private Task write(Task before, Transition<Task> transition) {
        Task after = transition.orThrow();
        world.tasks.apply(TaskChanges.builder().task(before, after, Actor.api(), "test").build())
                .await().indefinitely();
        return world.db.task(before.id());
    }

    @Nested
    class Claim {

        @Test
        void pending_tasks_the_bot_can_do_are_claimed_highest_priority_first_then_oldest() {
            Bot bot = world.onlineBotWithSlots("b1", 10, "render");
            Task low = stored("render", -1);
            Task high = stored("render", 5);
            Task otherType = stored("encode", 9);
            Task untyped = stored(null, 0);
            Task highLater = stored("render", 5);

            List<Task> claimed = claim(bot, 10);

            assertThat(claimed).extracting(Task::id).containsExactly(high.id(), highLater.id(), untyped.id(),
                    low.id());
            assertThat(world.db.task(otherType.id()).status()).isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void a_claimed_task_is_a_new_attempt_of_the_bot_with_its_history_entry_and_an_acknowledgement_lease() {
            Bot bot = world.onlineBotWithSlots("b1", 2, "render");
            Task task = stored("render", 0);
            Instant at = world.clock.advance(Duration.ofSeconds(3));

            Task claimed = claim(bot, 2).getFirst();

            assertThat(claimed).isEqualTo(world.db.task(task.id()));
            assertThat(claimed.status()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(claimed.botId()).isEqualTo(bot.id());
            assertThat(claimed.attempt()).isEqualTo(1);
            assertThat(claimed.assignedAt()).isEqualTo(at);
            assertThat(claimed.version()).isEqualTo(1);
            assertThat(world.db.history(task.id())).last().isEqualTo(new TaskTransitioned(task.id(),
                    TaskStatus.PENDING, TaskStatus.ASSIGNED, 1, Actor.system(), "dispatched to bot " + bot.id(), at,
                    "assigned"));
            assertThat(world.db.leaseExpiresAt(task.id())).isEqualTo(at.plus(FakeWorld.TERMS.ackTimeout()));
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void no_more_than_the_free_slots_are_claimed_and_a_full_bot_becomes_busy() {
            Bot bot = world.onlineBotWithSlots("b1", 3, "render");
            stored("render", 0);
            assertThat(claim(bot, 3)).hasSize(1);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
            for (int i = 0; i < 5; i++) {
                stored("render", 0);
            }

            assertThat(claim(bot, 3)).hasSize(2);
            assertThat(world.tasks.countHeldBy(bot.id()).await().indefinitely()).isEqualTo(3);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
            assertThat(world.db.bot(bot.id()).version()).isEqualTo(1);
            assertThat(claim(bot, 3)).isEmpty();
            assertThat(world.db.bot(bot.id()).version()).isEqualTo(1);
        }

        @Test
        void a_claimed_workflow_step_puts_its_pending_workflow_in_progress() {
            Bot bot = world.onlineBot("b1", "render");
            WorkflowId workflowId = new WorkflowId(world.ids.next());
            Task step = Task.createStep(new TaskId(world.ids.next()), TaskSpec.of("render", null, null, null),
                    workflowId, 0, true, world.clock.instant());
            Workflow workflow = Workflow.create(workflowId,
                    io.clawbot.coordinator.domain.workflow.WorkflowDefinition.linear("wf", null,
                            List.of(TaskSpec.of("render", null, null, null))),
                    Map.of(), Map.of(), List.of(step.id()), true,
                    world.clock.instant());
            world.workflows.create(workflow, List.of(step), List.of(TaskTransitioned.created(step, Actor.api())),
                    null).await().indefinitely();

            claim(bot, 1);

            assertThat(world.db.workflow(workflowId).status()).isEqualTo(WorkflowStatus.IN_PROGRESS);
            assertThat(world.db.workflow(workflowId).version()).isEqualTo(1);
        }

        @Test
        void waiting_or_held_tasks_are_not_claimed() {
            Bot first = world.onlineBot("b1", "render");
            Bot second = world.onlineBot("b2", "render");
            stored("render", 0);
            world.db.insertTask(Task.createStep(new TaskId(world.ids.next()), TaskSpec.of("render", null, null,
                    null), new WorkflowId(world.ids.next()), 1, false, world.clock.instant()));

            assertThat(claim(first, 5)).hasSize(1);
            assertThat(claim(second, 5)).isEmpty();
        }
    }

    @Nested
    class Leases {

        private final Bot bot = world.onlineBotWithSlots("b1", 4, "render");

        @Test
        void starting_a_task_gives_it_the_running_lease_and_ending_it_removes_the_lease() {
            stored("render", 0);
            Task assigned = claim(bot, 4).getFirst();
            Instant at = world.clock.advance(Duration.ofSeconds(2));

            Task running = write(assigned, assigned.start(null, at));

            assertThat(world.db.leaseExpiresAt(running.id())).isEqualTo(at.plus(FakeWorld.TERMS.lease()));
            write(running, running.complete(null, Map.of(), at));
            assertThat(world.db.leaseExpiresAt(running.id())).isNull();
        }

        @Test
        void expired_leases_are_those_before_the_clock_earliest_first_up_to_the_limit() {
            stored("render", 0);
            stored("render", 0);
            stored("render", 0);
            List<Task> claimed = claim(bot, 4);
            world.db.setLease(claimed.get(0).id(), FakeWorld.START.plusSeconds(5));
            world.db.setLease(claimed.get(1).id(), FakeWorld.START.plusSeconds(3));
            world.db.setLease(claimed.get(2).id(), FakeWorld.START.plusSeconds(9));
            world.clock.set(FakeWorld.START.plusSeconds(9));

            assertThat(world.tasks.expiredLeases(10).await().indefinitely()).extracting(Task::id)
                    .containsExactly(claimed.get(1).id(), claimed.get(0).id());
            assertThat(world.tasks.expiredLeases(1).await().indefinitely()).extracting(Task::id)
                    .containsExactly(claimed.get(1).id());
        }

        @Test
        void a_lease_is_renewed_only_for_a_running_task_of_that_bot_at_that_attempt() {
            stored("render", 0);
            Task assigned = claim(bot, 4).getFirst();
            Instant accepted = world.clock.advance(Duration.ofSeconds(1));
            Task running = write(assigned, assigned.start(null, accepted));
            Instant at = world.clock.advance(Duration.ofSeconds(30));

            assertThat(world.tasks.renewLease(running.id(), 2, bot.id()).await().indefinitely()).isFalse();
            assertThat(world.tasks.renewLease(running.id(), 1, new BotId(new UUID(9, 9))).await().indefinitely())
                    .isFalse();
            assertThat(world.db.leaseExpiresAt(running.id())).isEqualTo(accepted.plus(FakeWorld.TERMS.lease()));
            assertThat(world.tasks.renewLease(running.id(), 1, bot.id()).await().indefinitely()).isTrue();
            assertThat(world.db.leaseExpiresAt(running.id())).isEqualTo(at.plus(FakeWorld.TERMS.lease()));
        }

        @Test
        void shortening_never_lengthens_a_lease_and_renewing_gives_each_held_task_its_own_lease() {
            stored("render", 0);
            stored("render", 0);
            List<Task> claimed = claim(bot, 4);
            Task running = write(claimed.get(1), claimed.get(1).start(null, world.clock.instant()));

            world.tasks.shortenLeases(bot.id(), Duration.ofSeconds(20)).await().indefinitely();

            assertThat(world.db.leaseExpiresAt(claimed.get(0).id())).isEqualTo(FakeWorld.START.plusSeconds(10));
            assertThat(world.db.leaseExpiresAt(running.id())).isEqualTo(FakeWorld.START.plusSeconds(20));

            Instant back = world.clock.advance(Duration.ofSeconds(15));
            List<Task> held = world.tasks.renewHeldLeases(bot.id()).await().indefinitely();

            assertThat(held).extracting(Task::id).containsExactly(claimed.get(0).id(), running.id());
            assertThat(world.db.leaseExpiresAt(claimed.get(0).id())).isEqualTo(back.plusSeconds(10));
            assertThat(world.db.leaseExpiresAt(running.id())).isEqualTo(back.plusSeconds(60));
        }
    }
}
