package io.clawbot.coordinator.application.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.application.fakes.FakeBotChannel;
import io.clawbot.coordinator.application.fakes.FakeBotPresence;
import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.domain.dispatch.port.ReplicaBus;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RoutedBotChannelTest {

    /** A relay as the bus was asked to send it: what, about which task, to which replica ({@code null}: all). */
    record Relay(String kind, Task task, String replica) {
    }

    private final List<Relay> relays = new ArrayList<>();
    private final ReplicaBus bus = new ReplicaBus() {
        @Override
        public void announceWork() {
        }

        @Override
        public void relayAssignment(Task task, String replica) {
            relays.add(new Relay("assign", task, replica));
        }

        @Override
        public void relayCancel(Task task, String reason, String replica) {
            relays.add(new Relay("cancel", task, replica));
        }

        @Override
        public void relayDisconnect(BotId botId, String reason, String replica) {
            relays.add(new Relay("disconnect:" + botId, null, replica));
        }
    };
    private final FakeBotChannel sockets = new FakeBotChannel();
    private final FakeBotPresence presence = new FakeBotPresence();
    private final RoutedBotChannel channel = new RoutedBotChannel(sockets, bus, presence);
    private final BotId bot = new BotId(UUID.randomUUID());
    private final Task held = task().claimBy(bot, FakeWorld.START);

    private static Task task() {
        return Task.create(new TaskId(UUID.randomUUID()), TaskSpec.of("render", null, Map.of(), null),
                FakeWorld.START);
    }

    private boolean assign() {
        return channel.pushAssignment(held).await().indefinitely();
    }

    @Test
    void a_disconnect_closes_a_session_here_or_goes_to_the_replica_holding_it_or_to_all() {
        sockets.connect(bot, FakeWorld.START);
        assertThat(channel.disconnect(bot, "deleted").await().indefinitely()).isTrue();
        assertThat(sockets.disconnected()).containsExactly(bot);
        assertThat(relays).isEmpty();

        presence.entries.put(bot, "replica-b");
        assertThat(channel.disconnect(bot, "deleted").await().indefinitely()).isTrue();
        assertThat(relays).containsExactly(new Relay("disconnect:" + bot, null, "replica-b"));

        presence.entries.remove(bot);
        assertThat(channel.disconnect(bot, "deleted").await().indefinitely()).isFalse();
        assertThat(relays).last().isEqualTo(new Relay("disconnect:" + bot, null, null));
    }

    @Test
    void a_bot_connected_here_gets_the_message_on_its_socket_and_nothing_is_relayed() {
        sockets.connect(bot, FakeWorld.START);

        assertThat(assign()).isTrue();

        assertThat(sockets.delivered()).containsExactly(held);
        assertThat(relays).isEmpty();
    }

    @Test
    void a_bot_on_another_replica_gets_the_message_through_that_replica() {
        presence.entries.put(bot, "replica-b");

        assertThat(assign()).isTrue();
        assertThat(channel.pushCancel(held, "stop").await().indefinitely()).isTrue();

        assertThat(relays).containsExactly(new Relay("assign", held, "replica-b"),
                new Relay("cancel", held, "replica-b"));
    }

    @Test
    void a_bot_no_replica_is_known_to_hold_is_asked_for_everywhere_and_the_answer_says_so() {
        assertThat(assign()).isFalse();

        assertThat(relays).containsExactly(new Relay("assign", held, null));
    }

    @Test
    void an_entry_naming_this_replica_whose_socket_is_gone_is_not_trusted() {
        presence.entries.put(bot, FakeBotPresence.SELF);

        assertThat(assign()).isFalse();

        assertThat(relays).containsExactly(new Relay("assign", held, null));
    }

    @Test
    void a_task_no_bot_holds_goes_nowhere() {
        assertThat(channel.pushAssignment(task()).await().indefinitely()).isFalse();

        assertThat(relays).isEmpty();
    }
}
