package io.clawbot.coordinator.application.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.fakes.UseCases;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DispatcherTest {

    private final FakeWorld world = new FakeWorld();
    private final UseCases app = new UseCases(world);
    private final Dispatcher dispatcher = app.dispatcher;

    private Task submit(String type, int priority) {
        Task task = app.submit.submit(new SubmitTaskCommand(TaskSpec.of(type, priority, Map.of(), null), null))
                .await().indefinitely().resource();
        world.clock.advance(Duration.ofMillis(10));
        return task;
    }

    private int dispatch() {
        return dispatcher.dispatch().await().indefinitely();
    }

    private Bot connected(String name, int slots, String... capabilities) {
        Bot bot = world.onlineBotWithSlots(name, slots, capabilities);
        world.channel.connect(bot, world.clock.instant());
        return bot;
    }

    private List<TaskId> heldBy(Bot bot) {
        return world.tasks.all().stream().filter(t -> bot.id().equals(t.botId()) && t.status().isHeldByBot())
                .map(Task::id).toList();
    }

    @Test
    void a_quiet_round_stops_claiming_once_a_short_claim_shows_nothing_is_left_for_the_others() {
        for (int i = 0; i < 5; i++) {
            connected("render-" + i, 2, "render");
        }
        submit("render", 0);

        assertThat(dispatch()).isEqualTo(1);
        assertThat(world.queue.claimCount()).as("one claim took the task and came back short").isEqualTo(1);

        assertThat(dispatch()).isZero();
        assertThat(world.queue.claimCount()).as("an empty round costs one claim").isEqualTo(2);
    }

    @Test
    void a_bot_with_other_capabilities_is_still_served_after_a_short_claim() {
        Bot renderer = connected("renderer", 1, "render");
        Bot encoder = connected("encoder", 1, "encode");
        submit("encode", 0);

        assertThat(dispatch()).isEqualTo(1);
        assertThat(heldBy(encoder)).hasSize(1);
        assertThat(heldBy(renderer)).isEmpty();
    }

    @Test
    void successive_rounds_start_from_different_bots() {
        Bot first = connected("first", 1, "render");
        Bot second = connected("second", 1, "render");
        submit("render", 0);
        dispatch();
        submit("render", 0);
        dispatch();

        assertThat(heldBy(first)).hasSize(1);
        assertThat(heldBy(second)).hasSize(1);
    }

    @Test
    void without_connected_bots_nothing_is_claimed() {
        world.onlineBot("not-here", "render");
        submit("render", 0);

        assertThat(dispatch()).isZero();
        assertThat(world.queue.claimCount()).isZero();
        assertThat(world.tasks.all()).extracting(Task::status).containsOnly(TaskStatus.PENDING);
    }

    @Test
    void a_bot_is_given_the_highest_priority_then_oldest_work_and_each_assignment_is_pushed_to_it() {
        Bot bot = connected("r1", 3, "render");
        Task low = submit("render", -5);
        Task highOld = submit("render", 10);
        Task normal = submit("render", 0);
        Task highNew = submit("render", 10);

        int assigned = dispatch();

        assertThat(assigned).isEqualTo(3);
        assertThat(world.channel.delivered()).extracting(Task::id)
                .containsExactly(highOld.id(), highNew.id(), normal.id());
        assertThat(world.channel.delivered()).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(t.botId()).isEqualTo(bot.id());
            assertThat(t.attempt()).isEqualTo(1);
            assertThat(world.db.task(t.id())).isEqualTo(t);
        });
        assertThat(world.db.task(low.id()).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(world.db.history(highOld.id())).last().satisfies(e -> {
            assertThat(e.from()).isEqualTo(TaskStatus.PENDING);
            assertThat(e.to()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(e.actor()).isEqualTo(Actor.system());
        });
        assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
    }

    @Test
    void a_bot_is_only_given_work_of_its_capabilities_or_untyped_work() {
        Bot bot = connected("r1", 10, "render", "encode");
        Task render = submit("render", 0);
        Task transcode = submit("transcode", 50);
        Task untyped = submit(null, 0);
        Task encode = submit("encode", 0);

        assertThat(dispatch()).isEqualTo(3);

        assertThat(heldBy(bot)).containsExactlyInAnyOrder(render.id(), untyped.id(), encode.id());
        assertThat(world.db.task(transcode.id()).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
    }

    @Test
    void a_bot_is_given_no_more_than_its_free_slots() {
        Bot bot = connected("r1", 2, "render");
        app.assign.assign(submit("render", 0).id(), bot.id()).await().indefinitely();
        Task next = submit("render", 0);
        Task later = submit("render", 0);

        assertThat(dispatch()).isEqualTo(1);
        assertThat(heldBy(bot)).hasSize(2).contains(next.id());
        assertThat(world.db.task(later.id()).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);

        assertThat(dispatch()).isZero();
        assertThat(world.db.task(later.id()).status()).isEqualTo(TaskStatus.PENDING);
    }

    @Test
    void a_bot_gets_work_again_once_a_slot_is_free() {
        Bot bot = connected("r1", 1, "render");
        submit("render", 0);
        Task second = submit("render", 0);
        dispatch();
        Task first = world.channel.delivered().getFirst();
        assertThat(dispatch()).isZero();

        reportTask(app, new TaskReport.Complete(first.id(), null, Actor.bot(bot.id()), Map.of()))
                .await().indefinitely();

        assertThat(dispatch()).isEqualTo(1);
        assertThat(world.channel.delivered()).extracting(Task::id).containsExactly(first.id(), second.id());
    }

    @Test
    void two_bots_never_get_the_same_task() {
        Bot first = connected("r1", 2, "render");
        Bot second = connected("r2", 2, "render");
        List<Task> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(submit("render", i));
        }

        assertThat(dispatch()).isEqualTo(4);

        assertThat(heldBy(first)).hasSize(2).doesNotContainAnyElementsOf(heldBy(second));
        assertThat(heldBy(second)).hasSize(2);
        assertThat(world.channel.delivered()).extracting(Task::id).doesNotHaveDuplicates().hasSize(4);
        assertThat(world.db.task(submitted.getFirst().id()).status()).isEqualTo(TaskStatus.PENDING);
    }

    @Test
    void concurrent_rounds_of_several_replicas_assign_each_task_once() throws Exception {
        List<Bot> bots = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            bots.add(connected("r" + i, 3, "render"));
        }
        for (int i = 0; i < 30; i++) {
            submit(i % 3 == 0 ? null : "render", i % 4);
        }
        int rounds = 8;
        ExecutorService pool = Executors.newFixedThreadPool(rounds);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                Dispatcher replica = new Dispatcher(world.tasks, world.queue, world.channel);
                results.add(pool.submit(() -> {
                    go.await();
                    return replica.dispatch().await().atMost(Duration.ofSeconds(10));
                }));
            }
            go.countDown();
            int assigned = 0;
            for (Future<Integer> result : results) {
                assigned += result.get(20, TimeUnit.SECONDS);
            }

            assertThat(assigned).isEqualTo(18);
        } finally {
            pool.shutdownNow();
        }
        assertThat(world.channel.delivered()).extracting(Task::id).doesNotHaveDuplicates().hasSize(18);
        Set<TaskId> held = new HashSet<>();
        for (Bot bot : bots) {
            assertThat(heldBy(bot)).hasSize(3);
            assertThat(held.addAll(heldBy(bot))).isTrue();
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
        }
        assertThat(held).hasSize(18);
        Map<TaskId, Long> assignments = world.db.allHistory().stream()
                .filter(e -> e.to() == TaskStatus.ASSIGNED)
                .collect(Collectors.groupingBy(TaskTransitioned::taskId, Collectors.counting()));
        assertThat(assignments).hasSize(18).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
        assertThat(world.tasks.all()).filteredOn(t -> t.status() == TaskStatus.PENDING).hasSize(12);
    }

    @Test
    void a_push_that_fails_leaves_the_task_assigned_and_the_round_goes_on() {
        Bot broken = connected("r1", 1, "render");
        Bot healthy = connected("r2", 1, "render");
        submit("render", 1);
        submit("render", 0);
        Dispatcher withBrokenSocket = new Dispatcher(world.tasks, world.queue, new FailingFor(broken.id()));

        int assigned = withBrokenSocket.dispatch().await().indefinitely();

        assertThat(assigned).isEqualTo(2);
        assertThat(heldBy(broken)).hasSize(1);
        assertThat(heldBy(healthy)).hasSize(1);
        assertThat(world.channel.delivered()).extracting(Task::botId).containsExactly(healthy.id());
    }

    /** The local sockets, except that pushing to one bot fails. */
    private final class FailingFor implements BotChannel {

        private final BotId broken;

        FailingFor(BotId broken) {
            this.broken = broken;
        }

        @Override
        public List<Connection> connections() {
            return world.channel.connections();
        }

        @Override
        public Uni<Boolean> pushAssignment(Task task) {
            return broken.equals(task.botId())
                    ? Uni.createFrom().failure(new IllegalStateException("socket closed"))
                    : world.channel.pushAssignment(task);
        }

        @Override
        public Uni<Boolean> pushCancel(Task task, String reason) {
            return world.channel.pushCancel(task, reason);
        }

        @Override
        public Uni<Boolean> disconnect(BotId botId, String reason) {
            return world.channel.disconnect(botId, reason);
        }
    }

    private static io.smallrye.mutiny.Uni<io.clawbot.coordinator.domain.task.Task> reportTask(UseCases app,
            io.clawbot.coordinator.application.task.TaskReport report) {
        return app.report.report(report).map(io.clawbot.coordinator.application.task.Reported::task);
    }
}
