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
import io.clawbot.coordinator.domain.testing.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

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
    class TasksInHand {

        @Test
        void taking_a_task_makes_an_online_bot_busy() {
            Bot busy = aBot().online(T0).build().tookTask(T1);

            assertThat(busy.status()).isEqualTo(BotStatus.BUSY);
            assertThat(busy.updatedAt()).isEqualTo(T1);
        }

        @Test
        void taking_a_task_leaves_a_busy_or_offline_bot_as_it_is() {
            Bot busy = aBot().busy(T0).build();
            Bot offline = aBot().offline().build();

            assertThat(busy.tookTask(T1)).isSameAs(busy);
            assertThat(offline.tookTask(T1)).isSameAs(offline);
        }

        @Test
        void releasing_the_last_task_frees_a_busy_bot() {
            Bot online = aBot().busy(T0).build().releasedLastTask(T2);

            assertThat(online.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(online.updatedAt()).isEqualTo(T2);
        }

        @Test
        void releasing_the_last_task_leaves_an_online_or_offline_bot_as_it_is() {
            Bot online = aBot().online(T0).build();
            Bot offline = aBot().offline().build();

            assertThat(online.releasedLastTask(T1)).isSameAs(online);
            assertThat(offline.releasedLastTask(T1)).isSameAs(offline);
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
