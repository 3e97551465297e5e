package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.bot.port.BotChannel;
import io.clawbot.coordinator.domain.bot.port.BotChannel.Connection;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * Pushes pending work to the bots connected to this replica: for each, one claim statement takes up to its
 * free slots of the tasks it can do (highest priority, then oldest) and the assignments go out over its
 * socket. Claims of different bots and replicas never collide (the store skips rows others hold), so any
 * number of dispatch rounds may run at once.
 */
public final class Dispatcher {

    private final TaskStore tasks;
    private final BotChannel channel;

    public Dispatcher(TaskStore tasks, BotChannel channel) {
        this.tasks = tasks;
        this.channel = channel;
    }

    /**
     * One round over the local bots that have a free slot (one grouped count first, so that a round under load
     * claims only for the bots that can take work). @return how many tasks were assigned
     */
    public Uni<Integer> dispatch() {
        List<Connection> bots = channel.connections();
        if (bots.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return tasks.countHeldBy(bots.stream().map(Connection::botId).toList()).flatMap(held -> {
            List<Uni<Integer>> claims = new ArrayList<>(bots.size());
            for (Connection bot : bots) {
                if (held.getOrDefault(bot.botId(), 0L) < bot.slots()) {
                    claims.add(dispatchTo(bot));
                }
            }
            if (claims.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return Uni.join().all(claims).andCollectFailures()
                    .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
        });
    }

    private Uni<Integer> dispatchTo(Connection bot) {
        return tasks.claim(bot.botId(), bot.capabilities(), bot.slots()).flatMap(claimed -> {
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Uni<Boolean>> pushes = new ArrayList<>(claimed.size());
            for (Task task : claimed) {
                // A push that fails leaves the task assigned; its acknowledgement lease returns it to pending.
                pushes.add(channel.pushAssignment(task).onFailure().recoverWithItem(false));
            }
            return Uni.join().all(pushes).andFailFast().replaceWith(claimed.size());
        });
    }
}
