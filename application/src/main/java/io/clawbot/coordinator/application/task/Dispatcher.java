package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.dispatch.port.BotChannel.Connection;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.task.port.WorkQueue;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * Pushes pending work to the bots connected to this replica: for each, one claim statement takes up to its
 * free slots of the tasks it can do (highest priority, then oldest) and the assignments go out over its
 * socket. Claims of different bots and replicas never collide (the store skips rows others hold), so any
 * number of dispatch rounds may run at once.
 */
public final class Dispatcher {

    private final TaskStore tasks;
    private final WorkQueue queue;
    private final BotChannel channel;
    private final AtomicInteger rounds = new AtomicInteger();
    private final BiFunction<BotId, List<String>, List<String>> usable;

    public Dispatcher(TaskStore tasks, WorkQueue queue, BotChannel channel) {
        this(tasks, queue, channel, (bot, capabilities) -> capabilities);
    }

    /**
     * @param usable the capabilities of a bot it may be offered work of now (a quarantine leaves some out; see
     *        {@code BotHealthWatch})
     */
    public Dispatcher(TaskStore tasks, WorkQueue queue, BotChannel channel,
            BiFunction<BotId, List<String>, List<String>> usable) {
        this.queue = queue;
        this.tasks = tasks;
        this.channel = channel;
        this.usable = usable;
    }

    /**
     * One round over the local bots that have a free slot. It counts what they hold in one query, then claims
     * bot by bot, starting from a different bot each round so that none is always served first. A claim that
     * comes back short of the bot's free slots shows that no pending task of its capabilities (or untyped) is
     * left, so later bots that can do nothing else are skipped: a quiet round costs a couple of statements,
     * not one per bot.
     *
     * @return how many tasks were assigned
     */
    public Uni<Integer> dispatch() {
        List<Connection> bots = channel.connections();
        if (bots.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return tasks.countHeldBy(bots.stream().map(Connection::botId).toList()).flatMap(held -> {
            List<Connection> free = new ArrayList<>(bots.size());
            int first = Math.floorMod(rounds.getAndIncrement(), bots.size());
            for (int i = 0; i < bots.size(); i++) {
                Connection bot = bots.get((first + i) % bots.size());
                if (held.getOrDefault(bot.botId(), 0L) < bot.slots()) {
                    free.add(bot);
                }
            }
            Set<String> exhausted = new HashSet<>();
            int[] assigned = { 0 };
            return Multi.createFrom().iterable(free)
                    .onItem().transformToUniAndConcatenate(bot -> {
                        List<String> capabilities = usable.apply(bot.botId(), bot.capabilities());
                        if (!exhausted.isEmpty() && exhausted.containsAll(capabilities)) {
                            return Uni.createFrom().item(0);
                        }
                        long wanted = bot.slots() - held.getOrDefault(bot.botId(), 0L);
                        return dispatchTo(bot, capabilities).invoke(claimed -> {
                            assigned[0] += claimed;
                            if (claimed < wanted) {
                                exhausted.addAll(capabilities);
                                exhausted.add(UNTYPED);
                            }
                        });
                    })
                    .collect().last()
                    .map(ignored -> assigned[0]);
        });
    }

    /** Marks "no untyped task left" in the set of exhausted capabilities; no capability can be this. */
    private static final String UNTYPED = "\u0000untyped";

    private Uni<Integer> dispatchTo(Connection bot, List<String> capabilities) {
        return queue.claim(bot.botId(), capabilities, bot.slots()).flatMap(claimed -> {
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
