package io.clawbot.coordinator.application.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.FakeBotRegistry;
import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.task.SubmitTaskCommand;
import io.clawbot.coordinator.application.task.TaskLifecycle;
import io.clawbot.coordinator.application.task.TaskReport;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.bot.BotQuery;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BotLifecycleTest {

    private final FakeWorld world = new FakeWorld();
    private final BotLifecycle lifecycle = new BotLifecycle(world.bots, world.tasks, world.ids, world.clock,
            FakeWorld.STALE_AFTER);
    private final TaskLifecycle tasks = new TaskLifecycle(world.tasks, world.bots, world.workflows, world.channel,
            world.ids, world.clock);

    private Bot register(String name, String... capabilities) {
        return lifecycle.register(new RegisterBotCommand(name, List.of(capabilities), Map.of())).await()
                .indefinitely();
    }

    private Bot heartbeat(Bot bot) {
        return lifecycle.heartbeat(bot.id()).await().indefinitely();
    }

    private Task heldTaskOf(Bot bot) {
        Task task = tasks.submit(new SubmitTaskCommand(TaskSpec.of(null, null, null, null), null))
                .await().indefinitely().resource();
        return tasks.assign(task.id(), bot.id()).await().indefinitely();
    }

    @Nested
    class Register {

        @Test
        void a_new_bot_is_stored_offline_with_its_capabilities() {
            Bot bot = lifecycle.register(new RegisterBotCommand("  r2d2 ", List.of("render", "encode", "render"),
                    Map.of("zone", "eu"))).await().indefinitely();

            assertThat(bot.id()).isEqualTo(new BotId(new UUID(0, 1)));
            assertThat(bot.name()).isEqualTo("r2d2");
            assertThat(bot.capabilities()).containsExactly("render", "encode");
            assertThat(bot.status()).isEqualTo(BotStatus.OFFLINE);
            assertThat(bot.createdAt()).isEqualTo(FakeWorld.START);
            assertThat(world.db.bot(bot.id())).isEqualTo(bot);
        }

        @Test
        void a_taken_name_is_a_conflict() {
            register("r2d2");

            assertThatThrownBy(() -> register("r2d2"))
                    .isInstanceOfSatisfying(ConflictException.class,
                            e -> assertThat(e.code()).isEqualTo("bot-name-taken"));
        }

        @Test
        void a_malformed_capability_is_named_by_its_index() {
            assertThatThrownBy(() -> new RegisterBotCommand("r2d2", List.of("render", "bad name"), null))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("capabilities[1]"));
        }

        @Test
        void a_bot_may_declare_at_most_sixty_four_capabilities() {
            List<String> tooMany = IntStream.range(0, 65).mapToObj(i -> "c" + i).toList();

            assertThat(new RegisterBotCommand("r2d2", tooMany.subList(0, 64), null).capabilities()).hasSize(64);
            assertThatThrownBy(() -> new RegisterBotCommand("r2d2", tooMany, null))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("capabilities"));
        }

        @Test
        void a_blank_or_overlong_name_is_refused() {
            assertThatThrownBy(() -> new RegisterBotCommand(" ", null, null))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("name"));
            assertThatThrownBy(() -> new RegisterBotCommand("x".repeat(101), null, null))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("name"));
            assertThat(new RegisterBotCommand("x".repeat(100), null, null).capabilities()).isEmpty();
        }

        @Test
        void an_unknown_bot_is_not_found() {
            assertThatThrownBy(() -> lifecycle.get(new BotId(new UUID(9, 9))).await().indefinitely())
                    .isInstanceOfSatisfying(NotFoundException.class,
                            e -> assertThat(e.code()).isEqualTo("bot-not-found"));
        }
    }

    @Nested
    class Heartbeat {

        @Test
        void a_heartbeat_brings_a_registered_bot_online_stamped_by_the_store() {
            Bot bot = register("r2d2");
            Instant at = world.clock.advance(Duration.ofSeconds(3));

            Bot online = heartbeat(bot);

            assertThat(online.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(online.lastHeartbeatAt()).isEqualTo(at);
            assertThat(online.version()).isEqualTo(1);
            assertThat(world.db.bot(bot.id())).isEqualTo(online);
        }

        @Test
        void a_busy_bot_stays_busy_on_a_heartbeat() {
            Bot bot = register("r2d2");
            heartbeat(bot);
            heldTaskOf(bot);

            Bot after = heartbeat(bot);

            assertThat(after.status()).isEqualTo(BotStatus.BUSY);
        }

        @Test
        void an_offline_bot_that_still_holds_a_task_comes_back_busy() {
            Bot bot = register("r2d2");
            heldTaskOf(bot);

            Bot after = heartbeat(bot);

            assertThat(after.status()).isEqualTo(BotStatus.BUSY);
        }

        @Test
        void an_offline_bot_that_holds_nothing_comes_back_online() {
            Bot bot = register("r2d2");
            Task task = heldTaskOf(bot);
            tasks.cancel(task.id(), "no longer needed").await().indefinitely();

            assertThat(heartbeat(bot).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void a_heartbeat_that_lost_a_race_is_retried_on_the_fresh_bot() {
            Bot bot = register("r2d2");
            heartbeat(bot);
            AtomicInteger heartbeats = new AtomicInteger();
            BotRegistry racing = new RaceOnFirstHeartbeat(world.bots, heartbeats,
                    () -> lifecycle.markBusy(bot.id()).await().indefinitely());
            BotLifecycle racingLifecycle = new BotLifecycle(racing, world.tasks, world.ids, world.clock,
                    FakeWorld.STALE_AFTER);

            Bot after = racingLifecycle.heartbeat(bot.id()).await().indefinitely();

            assertThat(heartbeats).hasValue(2);
            assertThat(after.status()).isEqualTo(BotStatus.BUSY);
            assertThat(after.version()).isEqualTo(3);
        }

        @Test
        void a_heartbeat_for_an_unknown_bot_is_not_found() {
            assertThatThrownBy(() -> lifecycle.heartbeat(new BotId(new UUID(9, 9))).await().indefinitely())
                    .isInstanceOf(NotFoundException.class);
        }
    }

    @Nested
    class Status {

        @Test
        void an_online_bot_is_marked_busy_and_back_available() {
            Bot bot = heartbeat(register("r2d2"));

            Bot busy = lifecycle.markBusy(bot.id()).await().indefinitely();
            Bot available = lifecycle.markAvailable(bot.id()).await().indefinitely();

            assertThat(busy.status()).isEqualTo(BotStatus.BUSY);
            assertThat(busy.version()).isEqualTo(2);
            assertThat(available.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(available.version()).isEqualTo(3);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void repeating_a_status_writes_nothing() {
            Bot bot = heartbeat(register("r2d2"));
            lifecycle.markBusy(bot.id()).await().indefinitely();

            Bot again = lifecycle.markBusy(bot.id()).await().indefinitely();
            lifecycle.markAvailable(bot.id()).await().indefinitely();
            Bot availableAgain = lifecycle.markAvailable(bot.id()).await().indefinitely();

            assertThat(again.version()).isEqualTo(2);
            assertThat(availableAgain.version()).isEqualTo(3);
            assertThat(world.db.bot(bot.id()).version()).isEqualTo(3);
        }

        @Test
        void an_offline_bot_can_be_marked_neither_busy_nor_available() {
            Bot bot = register("r2d2");

            assertThatThrownBy(() -> lifecycle.markBusy(bot.id()).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("is offline");
            assertThatThrownBy(() -> lifecycle.markAvailable(bot.id()).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class);
            assertThat(world.db.bot(bot.id())).isEqualTo(bot);
        }
    }

    @Nested
    class Listing {

        @Test
        void available_bots_are_online_and_fresh_and_have_the_capability() {
            Bot fresh = heartbeat(register("fresh", "render"));
            Bot other = heartbeat(register("other", "encode"));
            Bot busy = heartbeat(register("busy", "render"));
            lifecycle.markBusy(busy.id()).await().indefinitely();
            register("offline", "render");

            List<Bot> available = lifecycle.list(BotQuery.available("render"), PageRequest.first(10))
                    .await().indefinitely();

            assertThat(available).extracting(Bot::id).containsExactly(fresh.id());
            assertThat(lifecycle.list(BotQuery.available(null), PageRequest.first(10)).await().indefinitely())
                    .extracting(Bot::id).containsExactly(fresh.id(), other.id());
        }

        @Test
        void a_bot_whose_heartbeat_went_stale_is_no_longer_available() {
            heartbeat(register("r2d2"));
            world.clock.advance(FakeWorld.STALE_AFTER.plusSeconds(1));

            assertThat(lifecycle.list(BotQuery.available(null), PageRequest.first(10)).await().indefinitely())
                    .isEmpty();
            assertThat(lifecycle.list(BotQuery.all(), PageRequest.first(10)).await().indefinitely()).hasSize(1);
        }

        @Test
        void listing_pages_in_registration_order() {
            register("a");
            world.clock.advance(Duration.ofSeconds(1));
            register("b");
            world.clock.advance(Duration.ofSeconds(1));
            register("c");

            assertThat(lifecycle.list(BotQuery.all(), new PageRequest(2, 1)).await().indefinitely())
                    .extracting(Bot::name).containsExactly("b", "c");
            assertThat(lifecycle.list(new BotQuery(null, BotStatus.OFFLINE, false), PageRequest.first(1))
                    .await().indefinitely()).extracting(Bot::name).containsExactly("a");
        }
    }

    @Nested
    class Delete {

        @Test
        void a_bot_without_tasks_in_hand_is_deleted() {
            Bot bot = register("r2d2");

            lifecycle.delete(bot.id()).await().indefinitely();

            assertThat(world.db.bot(bot.id())).isNull();
        }

        @Test
        void a_bot_that_holds_a_task_cannot_be_deleted() {
            Bot bot = heartbeat(register("r2d2"));
            heldTaskOf(bot);

            assertThatThrownBy(() -> lifecycle.delete(bot.id()).await().indefinitely())
                    .isInstanceOfSatisfying(ConflictException.class, e -> {
                        assertThat(e.code()).isEqualTo("bot-has-tasks");
                        assertThat(e.getMessage()).contains("holds 1 assigned or running task(s)");
                    });
            assertThat(world.db.bot(bot.id())).isNotNull();
        }

        @Test
        void a_started_task_also_keeps_its_bot_from_being_deleted() {
            Bot bot = heartbeat(register("r2d2"));
            Task task = heldTaskOf(bot);
            tasks.report(new TaskReport.Start(task.id(), new Fence(1, bot.id()), null)).await().indefinitely();
            heldTaskOf(bot);

            assertThatThrownBy(() -> lifecycle.delete(bot.id()).await().indefinitely())
                    .isInstanceOfSatisfying(ConflictException.class,
                            e -> assertThat(e.getMessage()).contains("holds 2 assigned or running task(s)"));
            assertThat(world.db.bot(bot.id())).isNotNull();
        }

        @Test
        void a_bot_whose_tasks_are_finished_may_be_deleted() {
            Bot bot = heartbeat(register("r2d2"));
            Task task = heldTaskOf(bot);
            tasks.report(new TaskReport.Complete(task.id(), new Fence(1, bot.id()), null, Map.of()))
                    .await().indefinitely();

            lifecycle.delete(bot.id()).await().indefinitely();

            assertThat(world.db.bot(bot.id())).isNull();
        }

        @Test
        void deleting_an_unknown_bot_is_not_found() {
            assertThatThrownBy(() -> lifecycle.delete(new BotId(new UUID(9, 9))).await().indefinitely())
                    .isInstanceOf(NotFoundException.class);
        }
    }

    /** A registry where another request changes the bot between the first heartbeat's read and its write. */
    private static final class RaceOnFirstHeartbeat implements BotRegistry {

        private final FakeBotRegistry delegate;
        private final AtomicInteger heartbeats;
        private final Runnable competitor;

        RaceOnFirstHeartbeat(FakeBotRegistry delegate, AtomicInteger heartbeats, Runnable competitor) {
            this.delegate = delegate;
            this.heartbeats = heartbeats;
            this.competitor = competitor;
        }

        @Override
        public Uni<Bot> recordHeartbeat(Bot bot, long expectedVersion) {
            return Uni.createFrom().deferred(() -> {
                if (heartbeats.incrementAndGet() == 1) {
                    competitor.run();
                }
                return delegate.recordHeartbeat(bot, expectedVersion);
            });
        }

        @Override
        public Uni<Bot> register(Bot bot) {
            return delegate.register(bot);
        }

        @Override
        public Uni<Bot> findById(BotId id) {
            return delegate.findById(id);
        }

        @Override
        public Uni<List<Bot>> list(BotQuery query, Duration staleAfter, PageRequest page) {
            return delegate.list(query, staleAfter, page);
        }

        @Override
        public Uni<Bot> updateStatus(Bot bot, long expectedVersion) {
            return delegate.updateStatus(bot, expectedVersion);
        }

        @Override
        public Uni<Boolean> delete(BotId id) {
            return delegate.delete(id);
        }
    }
}
