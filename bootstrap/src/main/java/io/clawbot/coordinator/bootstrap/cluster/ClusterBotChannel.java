package io.clawbot.coordinator.bootstrap.cluster;

import io.clawbot.coordinator.adapters.ws.BotSessions;
import io.clawbot.coordinator.domain.bot.port.BotChannel;
import io.clawbot.coordinator.domain.bot.port.ReplicaBus;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * The application's {@link BotChannel}: pushes to a bot connected here, and otherwise asks the other replicas,
 * one of which may hold the bot's connection, to push it (best effort: a lost relay is covered by the lease).
 * The answer still says whether this replica handed the message to the bot.
 */
public final class ClusterBotChannel implements BotChannel {

    private final BotSessions local;
    private final ReplicaBus bus;

    public ClusterBotChannel(BotSessions local, ReplicaBus bus) {
        this.local = local;
        this.bus = bus;
    }

    @Override
    public List<Connection> connections() {
        return local.connections();
    }

    @Override
    public Uni<Boolean> pushAssignment(Task task) {
        return local.pushAssignment(task).invoke(sent -> {
            if (!sent) {
                bus.relayAssignment(task);
            }
        });
    }

    @Override
    public Uni<Boolean> pushCancel(Task task, String reason) {
        return local.pushCancel(task, reason).invoke(sent -> {
            if (!sent) {
                bus.relayCancel(task, reason);
            }
        });
    }
}
