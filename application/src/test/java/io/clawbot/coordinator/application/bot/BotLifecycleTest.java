package io.clawbot.coordinator.application.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.FakeBotRegistry;
import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.fakes.UseCases;
import io.clawbot.coordinator.application.task.SubmitTaskCommand;
import io.clawbot.coordinator.application.task.TaskReport;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotQuery;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
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
    private final UseCases app = new UseCases(world);
    private final BotLifecycle lifecycle = app.bots;

    private Bot register(String name, String... capabilities) {
        return registerWithToken(name, capabilities).bot();
    }

    private RegisteredBot registerWithToken(String name, String... capabilities) {
        return lifecycle.register(new RegisterBotCommand(name, List.of(capabilities), Map.of())).await()
                .indefinitely();
    }

    private Bot heartbeat(Bot bot) {
        return lifecycle.heartbeat(bot.id()).await().indefinitely();
    }

    private Task heldTaskOf(Bot bot) {
        Task task = app.submit.submit(new SubmitTaskCommand(TaskSpec.of(null, null, null, null), null))
                .await().indefinitely().resource();
        return app.assign.assign(task.id(), bot.id()).await().indefinitely();
    }

    @Nested
    class Register {

        @Test
        void a_new_bot_is_stored_offline_with_its_capabilities() {
            Bot bot = lifecycle.register(new RegisterBotCommand("  r2d2 ", List.of("render", "encode", "render"),
                    Map.of("zone", "eu"))).await().indefinitely().bot();

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
    class Tokens {

        private Bot authenticate(String token) {
            return lifecycle.authenticate(token).await().indefinitely();
        }

        @Test
        void a_registered_bot_gets_a_token_that_authenticates_it_and_only_its_hash_is_stored() {
            RegisteredBot registered = registerWithToken("r2d2", "render");

            assertThat(registered.token()).startsWith("cbt_").hasSize(47);
            assertThat(registered.bot().slots()).isEqualTo(1);
            assertThat(world.db.tokenHash(registered.bot().id())).isEqualTo(BotTokens.hash(registered.token()))
                    .isNotEqualTo(registered.token()).hasSize(64);
            assertThat(authenticate(registered.token())).isEqualTo(registered.bot());
        }

        @Test
        void each_bot_gets_its_own_token() {
            RegisteredBot first = registerWithToken("r2d2");
            RegisteredBot second = registerWithToken("c3po");

            assertThat(first.token()).isNotEqualTo(second.token());
            assertThat(authenticate(first.token()).id()).isEqualTo(first.bot().id());
            assertThat(authenticate(second.token()).id()).isEqualTo(second.bot().id());
        }

        @Test
        void a_wrong_or_malformed_token_authenticates_no_one() {
            RegisteredBot registered = registerWithToken("r2d2");
            String token = registered.token();
            String tampered = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");

            assertThat(authenticate(BotTokens.newToken())).isNull();
            assertThat(authenticate(tampered)).isNull();
            assertThat(authenticate(token.substring(BotTokens.PREFIX.length()))).isNull();
            assertThat(authenticate(token + " ")).isNull();
            assertThat(authenticate("")).isNull();
            assertThat(authenticate(null)).isNull();
        }

        @Test
        void a_token_without_the_prefix_or_longer_than_two_hundred_characters_is_not_looked_up() {
            Bot bot = register("r2d2");
            String unprefixed = "x".repeat(40);
            String overlong = BotTokens.PREFIX + "y".repeat(197);
            String longest = BotTokens.PREFIX + "y".repeat(196);

            world.bots.replaceTokenHash(bot.id(), BotTokens.hash(unprefixed)).await().indefinitely();
            assertThat(authenticate(unprefixed)).isNull();
            world.bots.replaceTokenHash(bot.id(), BotTokens.hash(overlong)).await().indefinitely();
            assertThat(authenticate(overlong)).isNull();
            world.bots.replaceTokenHash(bot.id(), BotTokens.hash(longest)).await().indefinitely();
            assertThat(authenticate(longest).id()).isEqualTo(bot.id());
        }

        @Test
        void a_revoked_token_no_longer_authenticates() {
            RegisteredBot registered = registerWithToken("r2d2");

            lifecycle.revokeToken(registered.bot().id()).await().indefinitely();

            assertThat(authenticate(registered.token())).isNull();
            assertThat(world.db.tokenHash(registered.bot().id())).isNull();
            assertThat(world.db.bot(registered.bot().id())).isEqualTo(registered.bot());
        }

        @Test
        void a_rotated_token_replaces_the_old_one_at_once() {
            RegisteredBot registered = registerWithToken("r2d2");

            String rotated = lifecycle.rotateToken(registered.bot().id()).await().indefinitely();

            assertThat(rotated).startsWith(BotTokens.PREFIX).isNotEqualTo(registered.token());
            assertThat(authenticate(registered.token())).isNull();
            assertThat(authenticate(rotated).id()).isEqualTo(registered.bot().id());
        }

        @Test
        void a_revoked_bot_is_let_back_in_with_a_newly_issued_token() {
            RegisteredBot registered = registerWithToken("r2d2");
            lifecycle.revokeToken(registered.bot().id()).await().indefinitely();

            String issued = lifecycle.rotateToken(registered.bot().id()).await().indefinitely();

            assertThat(authenticate(issued).id()).isEqualTo(registered.bot().id());
            assertThat(authenticate(registered.token())).isNull();
        }

        @Test
        void a_deleted_bot_cannot_authenticate() {
            RegisteredBot registered = registerWithToken("r2d2");

            lifecycle.delete(registered.bot().id()).await().indefinitely();

            assertThat(authenticate(registered.token())).isNull();
        }

        @Test
        void rotating_or_revoking_the_token_of_an_unknown_bot_is_not_found() {
            BotId unknown = new BotId(new UUID(9, 9));

            assertThatThrownBy(() -> lifecycle.rotateToken(unknown).await().indefinitely())
                    .isInstanceOfSatisfying(NotFoundException.class,
                            e -> assertThat(e.code()).isEqualTo("bot-not-found"));
            assertThatThrownBy(() -> lifecycle.revokeToken(unknown).await().indefinitely())
                    .isInstanceOf(NotFoundException.class);
        }

        @Test
        void tokens_are_hashed_with_sha_256() {
            assertThat(BotTokens.hash("abc"))
                    .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        }
    }

    @Nested
    class Slots {

        private Bot setSlots(Bot bot, int slots) {
            return lifecycle.setSlots(bot.id(), slots).await().indefinitely();
        }

        @Test
        void an_online_bot_gets_more_slots_and_stays_online() {
            Bot bot = heartbeat(register("r2d2"));
            Instant at = world.clock.advance(Duration.ofSeconds(2));

            Bot resized = setSlots(bot, 4);

            assertThat(resized.slots()).isEqualTo(4);
            assertThat(resized.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(resized.updatedAt()).isEqualTo(at);
            assertThat(resized.version()).isEqualTo(bot.version() + 1);
            assertThat(world.db.bot(bot.id())).isEqualTo(resized);
        }

        @Test
        void a_busy_bot_with_a_slot_freed_by_the_change_is_online_again() {
            Bot bot = heartbeat(register("r2d2"));
            heldTaskOf(bot);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);

            Bot resized = setSlots(bot, 2);

            assertThat(resized.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(world.db.bot(bot.id()).slots()).isEqualTo(2);
        }

        @Test
        void an_online_bot_whose_new_slots_are_all_taken_is_busy() {
            Bot bot = heartbeat(register("r2d2"));
            setSlots(bot, 3);
            heldTaskOf(bot);
            heldTaskOf(bot);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);

            Bot resized = setSlots(bot, 2);

            assertThat(resized.status()).isEqualTo(BotStatus.BUSY);
            assertThat(resized.slots()).isEqualTo(2);
        }

        @Test
        void a_bot_with_more_slots_stays_online_until_they_are_all_taken_and_is_freed_by_one_ending() {
            Bot bot = heartbeat(register("r2d2"));
            setSlots(bot, 2);

            Task first = heldTaskOf(bot);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
            heldTaskOf(bot);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
            reportTask(app, new TaskReport.Complete(first.id(), new Fence(1, bot.id()), null, Map.of()))
                    .await().indefinitely();
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void an_offline_bot_gets_its_slots_and_stays_offline() {
            Bot bot = register("r2d2");

            Bot resized = setSlots(bot, 8);

            assertThat(resized.status()).isEqualTo(BotStatus.OFFLINE);
            assertThat(resized.slots()).isEqualTo(8);
            assertThat(world.db.bot(bot.id()).slots()).isEqualTo(8);
        }

        @Test
        void an_offline_bot_that_comes_back_holding_fewer_tasks_than_its_slots_is_online() {
            Bot bot = register("r2d2");
            setSlots(bot, 2);
            heldTaskOf(bot);

            assertThat(heartbeat(bot).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void slots_out_of_range_are_refused_and_nothing_is_written() {
            Bot bot = heartbeat(register("r2d2"));

            for (int slots : new int[]{ 0, -3, 257 }) {
                assertThatThrownBy(() -> setSlots(bot, slots))
                        .isInstanceOfSatisfying(ValidationException.class,
                                e -> assertThat(e.field()).isEqualTo("slots"));
            }
            assertThat(setSlots(bot, 256).slots()).isEqualTo(256);
            assertThat(setSlots(bot, 1).slots()).isEqualTo(1);
            assertThat(world.db.bot(bot.id()).version()).isEqualTo(bot.version() + 2);
        }

        @Test
        void setting_the_slots_of_an_unknown_bot_is_not_found() {
            assertThatThrownBy(() -> lifecycle.setSlots(new BotId(new UUID(9, 9)), 2).await().indefinitely())
                    .isInstanceOf(NotFoundException.class);
        }
    }

    @Nested
    class Disconnected {

        @Test
        void a_connected_bot_goes_offline_and_keeps_its_tasks() {
            Bot bot = heartbeat(register("r2d2"));
            Task held = heldTaskOf(bot);

            Bot gone = lifecycle.disconnected(bot.id()).await().indefinitely();

            assertThat(gone.status()).isEqualTo(BotStatus.OFFLINE);
            assertThat(world.db.bot(bot.id())).isEqualTo(gone);
            assertThat(world.db.task(held.id()).status()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(world.db.task(held.id()).botId()).isEqualTo(bot.id());
        }

        @Test
        void an_offline_bot_is_not_written_again() {
            Bot bot = register("r2d2");

            Bot after = lifecycle.disconnected(bot.id()).await().indefinitely();

            assertThat(after).isEqualTo(bot);
            assertThat(world.db.bot(bot.id()).version()).isEqualTo(bot.version());
        }

        @Test
        void an_unknown_bot_is_not_found() {
            assertThatThrownBy(() -> lifecycle.disconnected(new BotId(new UUID(9, 9))).await().indefinitely())
                    .isInstanceOf(NotFoundException.class);
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
            app.cancel.cancel(task.id(), "no longer needed").await().indefinitely();

            assertThat(heartbeat(bot).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void a_heartbeat_that_lost_a_race_is_retried_on_the_fresh_bot() {
            Bot bot = register("r2d2");
            heartbeat(bot);
            world.clock.advance(BotLifecycle.HEARTBEAT_GAP);
            AtomicInteger heartbeats = new AtomicInteger();
            BotRegistry racing = new RaceOnFirstHeartbeat(world.bots, heartbeats,
                    () -> lifecycle.markBusy(bot.id()).await().indefinitely());
            BotLifecycle racingLifecycle = new BotLifecycle(racing, world.tasks, world.leases, world.ids, world.clock,
                    FakeWorld.STALE_AFTER);

            Bot after = racingLifecycle.heartbeat(bot.id()).await().indefinitely();

            assertThat(heartbeats).hasValue(2);
            assertThat(after.status()).isEqualTo(BotStatus.BUSY);
            assertThat(after.version()).isEqualTo(3);
        }

        @Test
        void heartbeats_closer_than_the_gap_are_recorded_once() {
            Bot bot = register("r2d2");
            Bot first = heartbeat(bot);
            world.clock.advance(BotLifecycle.HEARTBEAT_GAP.dividedBy(2));
            Bot second = heartbeat(bot);
            assertThat(second.version()).as("not written again").isEqualTo(first.version());
            assertThat(second.lastHeartbeatAt()).isEqualTo(first.lastHeartbeatAt());
            world.clock.advance(BotLifecycle.HEARTBEAT_GAP);
            assertThat(heartbeat(bot).version()).isEqualTo(first.version() + 1);
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
            reportTask(app, new TaskReport.Start(task.id(), new Fence(1, bot.id()), null)).await().indefinitely();
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
            reportTask(app, new TaskReport.Complete(task.id(), new Fence(1, bot.id()), null, Map.of()))
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
        public Uni<Bot> register(Bot bot, String tokenHash) {
            return delegate.register(bot, tokenHash);
        }

        @Override
        public Uni<Bot> findByTokenHash(String tokenHash) {
            return delegate.findByTokenHash(tokenHash);
        }

        @Override
        public Uni<Boolean> replaceTokenHash(BotId id, String tokenHash) {
            return delegate.replaceTokenHash(id, tokenHash);
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

        @Override
        public Uni<List<BotId>> markStale(Duration staleAfter) {
            return delegate.markStale(staleAfter);
        }
    }

    private static io.smallrye.mutiny.Uni<io.clawbot.coordinator.domain.task.Task> reportTask(UseCases app,
            io.clawbot.coordinator.application.task.TaskReport report) {
        return app.report.report(report).map(io.clawbot.coordinator.application.task.Reported::task);
    }
}
