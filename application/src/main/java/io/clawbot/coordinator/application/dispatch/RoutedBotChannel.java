package io.clawbot.coordinator.application.dispatch;

import io.clawbot.coordinator.domain.bot.port.BotPresence;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.dispatch.port.BotSockets;
import io.clawbot.coordinator.domain.dispatch.port.ReplicaBus;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where a message for a bot goes: to its socket when it is connected here; otherwise relayed to the replica its
 * presence names, or to every replica when none is known (best effort: a lost relay is covered by the lease). The
 * answer says whether the message was handed to the bot here or relayed to the replica holding its connection.
 */
public final class RoutedBotChannel implements BotChannel {

    private final BotSockets local;
    private final ReplicaBus bus;
    private final BotPresence presence;

    public RoutedBotChannel(BotSockets local, ReplicaBus bus, BotPresence presence) {
        this.local = local;
        this.bus = bus;
        this.presence = presence;
    }

    @Override
    public List<Connection> connections() {
        return local.connections();
    }

    @Override
    public Uni<Boolean> pushAssignment(Task task) {
        return local.pushAssignment(task).flatMap(sent -> sent
                ? Uni.createFrom().item(true)
                : relay(task.botId(), replica -> bus.relayAssignment(task, replica)));
    }

    @Override
    public Uni<Boolean> pushCancel(Task task, String reason) {
        return local.pushCancel(task, reason).flatMap(sent -> sent
                ? Uni.createFrom().item(true)
                : relay(task.botId(), replica -> bus.relayCancel(task, reason, replica)));
    }

    @Override
    public Uni<Boolean> disconnect(BotId botId, String reason) {
        return local.disconnect(botId, reason).flatMap(closed -> closed
                ? Uni.createFrom().item(true)
                : relay(botId, replica -> bus.relayDisconnect(botId, reason, replica)));
    }

    /**
     * Relays to the bot's replica when its presence names another one. Otherwise (unknown, or an entry naming this
     * replica that the closed connection has not cleared yet) every replica is asked, and the answer is
     * {@code false}: nobody is known to hold the bot.
     */
    private Uni<Boolean> relay(BotId botId, Consumer<String> send) {
        if (botId == null) {
            return Uni.createFrom().item(false);
        }
        return presence.whereIs(botId).map(replica -> {
            boolean elsewhere = replica != null && !replica.equals(presence.self());
            send.accept(elsewhere ? replica : null);
            return elsewhere;
        });
    }
}
