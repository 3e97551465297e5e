package io.clawbot.coordinator.domain.bot;

import static io.clawbot.coordinator.domain.testing.Bots.aBot;
import static io.clawbot.coordinator.domain.testing.Times.T0;
import static io.clawbot.coordinator.domain.testing.Times.T1;
import static io.clawbot.coordinator.domain.testing.Times.T2;
import static io.clawbot.coordinator.domain.testing.Transitions.changed;
import static io.clawbot.coordinator.domain.testing.Transitions.rejected;
import static io.clawbot.coordinator.domain.testing.Transitions.unchanged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.testing.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class BotTest {

    private static final Duration STALE_AFTER = Duration.ofSeconds(30);

    @Nested
    class Registration {

        @Test
        void a_registered_bot_is_offline_until_its_first_heartbeat() {
            Bot bot = Bot.register(Ids.botId(), "r2", List.of("render"), Map.of("zone", "eu"), T0);

            assertThat(bot.status()).isEqualTo(BotStatus.OFFLINE);
            assertThat(bot.lastHeartbeatAt()).isNull();
            assertThat(bot.createdAt()).isEqualTo(T0);
            assertThat(bot.updatedAt()).isEqualTo(T0);
            assertThat(bot.version()).isZero();
            assertThat(bot.capabilities()).containsExactly("render");
            assertThat(bot.metadata()).containsEntry("zone", "eu");
        }

        @Test
        void the_capabilities_are_an_immutable_copy() {
            List<String> source = new ArrayList<>(List.of("render"));
            Bot bot = Bot.register(Ids.botId(), "r2", source, null, T0);

            source.add("encode");

            assertThat(bot.capabilities()).containsExactly("render");
            assertThat(bot.metadata()).isEmpty();
            assertThatThrownBy(() -> bot.capabilities().add("x")).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void a_bot_has_the_capabilities_it_declared_and_any_untyped_work() {
            Bot bot = aBot().withCapabilities("render", "encode").build();

            assertThat(bot.hasCapability("render")).isTrue();
            assertThat(bot.hasCapability("encode")).isTrue();
            assertThat(bot.hasCapability("transcode")).isFalse();
            assertThat(bot.hasCapability(null)).isTrue();
        }
    }

    @Nested
    class Heartbeat {

        @Test
        void a_heartbeat_brings_an_offline_bot_online() {
            Bot offline = aBot().offline().version(3).build();

            Bot online = offline.heartbeat(T1);

            assertThat(online.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(online.lastHeartbeatAt()).isEqualTo(T1);
            assertThat(online.updatedAt()).isEqualTo(T1);
            assertThat(online.createdAt()).isEqualTo(T0);
            assertThat(online.version()).isEqualTo(3);
        }

        @Test
        void a_busy_bot_stays_busy_on_a_heartbeat() {
            Bot busy = aBot().busy(T0).build();

            Bot after = busy.heartbeat(T2);

            assertThat(after.status()).isEqualTo(BotStatus.BUSY);
            assertThat(after.lastHeartbeatAt()).isEqualTo(T2);
        }

        @Test
        void an_online_bot_stays_online_and_refreshes_its_heartbeat() {
            Bot online = aBot().online(T0).build();

            Bot after = online.heartbeat(T2);

            assertThat(after.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(after.lastHeartbeatAt()).isEqualTo(T2);
        }
    }

    @Nested
    class MarkBusy {

        @Test
        void an_online_bot_becomes_busy() {
            Bot online = aBot().online(T0).build();

            Bot busy = changed(online.markBusy(T1));

            assertThat(busy.status()).isEqualTo(BotStatus.BUSY);
            assertThat(busy.updatedAt()).isEqualTo(T1);
            assertThat(busy.lastHeartbeatAt()).isEqualTo(T0);
        }

        @Test
        void marking_a_busy_bot_busy_again_is_an_idempotent_repeat() {
            Bot busy = aBot().busy(T0).build();

            assertThat(unchanged(busy.markBusy(T1))).isSameAs(busy);
        }

        @Test
        void an_offline_bot_cannot_be_busy() {
            Bot offline = aBot().offline().build();

            assertThat(rejected(offline.markBusy(T1)))
                    .isEqualTo("Bot " + offline.id() + " is offline; it must send a heartbeat before it can be busy");
            assertThatThrownBy(() -> offline.markBusy(T1).orThrow()).isInstanceOf(InvalidTransitionException.class);
        }
    }

    @Nested
    class MarkAvailable {

        @Test
        void a_busy_bot_becomes_online() {
            Bot busy = aBot().busy(T0).build();

            Bot online = changed(busy.markAvailable(T1));

            assertThat(online.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(online.updatedAt()).isEqualTo(T1);
        }

        @Test
        void marking_an_online_bot_available_again_is_an_idempotent_repeat() {
            Bot online = aBot().online(T0).build();

            assertThat(unchanged(online.markAvailable(T1))).isSameAs(online);
        }

        @Test
        void an_offline_bot_becomes_available_only_through_a_heartbeat() {
            Bot offline = aBot().offline().build();

            assertThat(rejected(offline.markAvailable(T1))).isEqualTo(
                    "Bot " + offline.id() + " is offline; it must send a heartbeat before it can be available");
        }
    }

    @Nested
    class Staleness {

        @Test
        void a_bot_that_never_sent_a_heartbeat_is_stale() {
            assertThat(aBot().offline().build().isStale(T0, STALE_AFTER)).isTrue();
        }

        @Test
        void a_bot_is_fresh_within_the_limit_and_exactly_at_it() {
            Bot bot = aBot().online(T0).build();

            assertThat(bot.isStale(T0, STALE_AFTER)).isFalse();
            assertThat(bot.isStale(T0.plusSeconds(29), STALE_AFTER)).isFalse();
            assertThat(bot.isStale(T0.plusSeconds(30), STALE_AFTER)).isFalse();
        }

        @Test
        void a_bot_is_stale_once_its_last_heartbeat_is_older_than_the_limit() {
            Bot bot = aBot().online(T0).build();

            assertThat(bot.isStale(T0.plusSeconds(30).plusMillis(1), STALE_AFTER)).isTrue();
            assertThat(bot.isStale(T0.plusSeconds(3600), STALE_AFTER)).isTrue();
        }

        @Test
        void an_online_bot_with_a_recent_heartbeat_is_available() {
            assertThat(aBot().online(T0).build().isAvailable(T0.plusSeconds(10), STALE_AFTER)).isTrue();
        }

        @Test
        void an_online_bot_with_a_stale_heartbeat_is_not_available() {
            assertThat(aBot().online(T0).build().isAvailable(T0.plusSeconds(31), STALE_AFTER)).isFalse();
        }

        @Test
        void a_busy_or_offline_bot_is_not_available_however_fresh() {
            Instant now = T0.plusSeconds(1);

            assertThat(aBot().busy(T0).build().isAvailable(now, STALE_AFTER)).isFalse();
            assertThat(aBot().offline().lastHeartbeatAt(T0).build().isAvailable(now, STALE_AFTER)).isFalse();
        }
    }

    @Nested
    class Slots {

        @Test
        void a_registered_bot_runs_one_task_at_a_time() {
            assertThat(Bot.register(Ids.botId(), "r2", List.of(), null, T0).slots()).isEqualTo(1);
        }

        @ParameterizedTest
        @ValueSource(ints = { 1, 2, 64, 256 })
        void a_bot_may_have_between_one_and_two_hundred_fifty_six_slots(int slots) {
            assertThat(aBot().slots(slots).build().slots()).isEqualTo(slots);
        }

        @ParameterizedTest
        @ValueSource(ints = { Integer.MIN_VALUE, -1, 0, 257, 1000 })
        void any_other_number_of_slots_is_refused(int slots) {
            assertThatThrownBy(() -> aBot().slots(slots).build())
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("slots");
                        assertThat(e.getMessage()).contains("between 1 and 256");
                    });
        }
    }

    @Nested
    class TasksInHand {

        @Test
        void taking_a_task_makes_an_online_single_slot_bot_busy() {
            Bot busy = aBot().online(T0).version(2).build().tookTask(1, T1);

            assertThat(busy.status()).isEqualTo(BotStatus.BUSY);
            assertThat(busy.updatedAt()).isEqualTo(T1);
            assertThat(busy.lastHeartbeatAt()).isEqualTo(T0);
            assertThat(busy.slots()).isEqualTo(1);
            assertThat(busy.version()).isEqualTo(2);
        }

        @Test
        void an_online_bot_stays_online_while_it_has_a_free_slot() {
            Bot online = aBot().slots(3).online(T0).build();

            assertThat(online.tookTask(1, T1)).isSameAs(online);
            assertThat(online.tookTask(2, T1)).isSameAs(online);
        }

        @Test
        void an_online_bot_is_busy_once_it_holds_as_many_tasks_as_it_has_slots_or_more() {
            Bot online = aBot().slots(3).online(T0).build();

            assertThat(online.tookTask(3, T1).status()).isEqualTo(BotStatus.BUSY);
            assertThat(online.tookTask(4, T1).status()).isEqualTo(BotStatus.BUSY);
        }

        @Test
        void taking_a_task_leaves_a_busy_or_offline_bot_as_it_is() {
            Bot busy = aBot().busy(T0).build();
            Bot offline = aBot().offline().build();
            Bot offlineWithSlots = aBot().slots(2).offline().build();

            assertThat(busy.tookTask(1, T1)).isSameAs(busy);
            assertThat(busy.tookTask(7, T1)).isSameAs(busy);
            assertThat(offline.tookTask(1, T1)).isSameAs(offline);
            assertThat(offlineWithSlots.tookTask(2, T1)).isSameAs(offlineWithSlots);
        }

        @Test
        void releasing_the_only_task_frees_a_single_slot_bot() {
            Bot online = aBot().busy(T0).build().releasedTask(0, T2);

            assertThat(online.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(online.updatedAt()).isEqualTo(T2);
        }

        @Test
        void a_busy_bot_is_online_again_as_soon_as_one_slot_is_free() {
            Bot busy = aBot().slots(3).busy(T0).build();

            assertThat(busy.releasedTask(2, T2).status()).isEqualTo(BotStatus.ONLINE);
            assertThat(busy.releasedTask(0, T2).status()).isEqualTo(BotStatus.ONLINE);
        }

        @Test
        void a_busy_bot_that_still_fills_its_slots_stays_busy() {
            Bot busy = aBot().slots(3).busy(T0).build();

            assertThat(busy.releasedTask(3, T2)).isSameAs(busy);
            assertThat(busy.releasedTask(5, T2)).isSameAs(busy);
        }

        @Test
        void releasing_a_task_leaves_an_online_or_offline_bot_as_it_is() {
            Bot online = aBot().slots(2).online(T0).build();
            Bot offline = aBot().offline().build();

            assertThat(online.releasedTask(0, T1)).isSameAs(online);
            assertThat(online.releasedTask(1, T1)).isSameAs(online);
            assertThat(offline.releasedTask(0, T1)).isSameAs(offline);
        }
    }

    @Nested
    class WithSlots {

        @ParameterizedTest(name = "{0} bot holding {2} with {1} slot(s) given {3} -> {4}")
        @CsvSource({
                "ONLINE,  1, 0, 4, ONLINE",
                "ONLINE,  1, 1, 4, ONLINE",
                "ONLINE,  4, 2, 2, BUSY",
                "ONLINE,  4, 3, 2, BUSY",
                "ONLINE,  4, 3, 4, ONLINE",
                "BUSY,    1, 1, 2, ONLINE",
                "BUSY,    4, 4, 8, ONLINE",
                "BUSY,    4, 4, 4, BUSY",
                "BUSY,    4, 4, 3, BUSY",
                "BUSY,    2, 0, 1, ONLINE",
                "OFFLINE, 1, 0, 4, OFFLINE",
                "OFFLINE, 4, 0, 1, OFFLINE",
                "OFFLINE, 1, 3, 2, OFFLINE"
        })
        void the_status_of_a_connected_bot_follows_what_it_holds_and_an_offline_bot_stays_offline(BotStatus status,
                int slots, long held, int nextSlots, BotStatus expected) {
            Bot bot = aBot().slots(slots).status(status, T0).build();

            Bot resized = bot.withSlots(nextSlots, held, T1);

            assertThat(resized.slots()).isEqualTo(nextSlots);
            assertThat(resized.status()).isEqualTo(expected);
        }

        @Test
        void resizing_keeps_the_identity_heartbeat_and_version_and_stamps_the_change() {
            Bot bot = aBot().withCapabilities("render").slots(2).online(T0).version(5).build();

            Bot resized = bot.withSlots(8, 1, T2);

            assertThat(resized.id()).isEqualTo(bot.id());
            assertThat(resized.name()).isEqualTo(bot.name());
            assertThat(resized.capabilities()).containsExactly("render");
            assertThat(resized.metadata()).isEqualTo(bot.metadata());
            assertThat(resized.lastHeartbeatAt()).isEqualTo(T0);
            assertThat(resized.createdAt()).isEqualTo(bot.createdAt());
            assertThat(resized.updatedAt()).isEqualTo(T2);
            assertThat(resized.version()).isEqualTo(5);
            assertThat(bot.slots()).isEqualTo(2);
        }

        @ParameterizedTest
        @ValueSource(ints = { 0, 257 })
        void an_out_of_range_number_of_slots_is_refused(int slots) {
            Bot bot = aBot().online(T0).build();

            assertThatThrownBy(() -> bot.withSlots(slots, 0, T1))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("slots"));
        }
    }

    @Nested
    class Disconnected {

        @ParameterizedTest
        @EnumSource(value = BotStatus.class, names = { "ONLINE", "BUSY" })
        void a_connected_bot_goes_offline_keeping_its_last_heartbeat_and_slots(BotStatus status) {
            Bot bot = aBot().slots(3).status(status, T0).version(4).build();

            Bot gone = bot.disconnected(T2);

            assertThat(gone.status()).isEqualTo(BotStatus.OFFLINE);
            assertThat(gone.updatedAt()).isEqualTo(T2);
            assertThat(gone.lastHeartbeatAt()).isEqualTo(T0);
            assertThat(gone.slots()).isEqualTo(3);
            assertThat(gone.version()).isEqualTo(4);
        }

        @Test
        void an_offline_bot_is_left_as_it_is() {
            Bot offline = aBot().offline().lastHeartbeatAt(T0).build();

            assertThat(offline.disconnected(T2)).isSameAs(offline);
        }

        @Test
        void a_disconnected_bot_comes_back_online_with_a_heartbeat() {
            Bot back = aBot().online(T0).build().disconnected(T1).heartbeat(T2);

            assertThat(back.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(back.lastHeartbeatAt()).isEqualTo(T2);
        }
    }

    @Test
    void bot_status_wire_names_round_trip() {
        for (BotStatus status : BotStatus.values()) {
            assertThat(BotStatus.fromWire(status.wire())).isEqualTo(status);
        }
        assertThat(BotStatus.BUSY.wire()).isEqualTo("busy");
        assertThatThrownBy(() -> BotStatus.fromWire("idle")).isInstanceOf(IllegalArgumentException.class);
    }
}
