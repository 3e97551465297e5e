package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.dispatch.port.BotSockets;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A replica's bot sockets: bots connect and disconnect, and every push is recorded. */
public final class FakeBotChannel implements BotChannel, BotSockets {

    /** A cancel pushed for {@code task} as it was when it was taken away, with the reason given. */
    public record Cancel(Task task, String reason) {
    }

    private final Map<BotId, Connection> connected = new LinkedHashMap<>();
    private final List<BotId> disconnected = new ArrayList<>();
    private final List<Task> pushed = new ArrayList<>();
    private final List<Task> delivered = new ArrayList<>();
    private final List<Cancel> cancels = new ArrayList<>();
    private final List<Cancel> deliveredCancels = new ArrayList<>();

    /** A bot without capabilities and with one slot connects. */
    public void connect(BotId botId, Instant at) {
        connect(botId, List.of(), 1, at);
    }

    /** The bot connects with the capabilities and slots it is registered with. */
    public void connect(Bot bot, Instant at) {
        connect(bot.id(), bot.capabilities(), bot.slots(), at);
    }

    /** A bot connects, replacing any earlier session of the same bot. */
    public synchronized void connect(BotId botId, List<String> capabilities, int slots, Instant at) {
        connected.put(botId, new Connection(botId, capabilities, slots, at));
    }

    public synchronized void disconnect(BotId botId) {
        connected.remove(botId);
    }

    @Override
    public synchronized List<Connection> connections() {
        return List.copyOf(connected.values());
    }

    @Override
    public Uni<Boolean> pushAssignment(Task task) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                pushed.add(task);
                boolean live = isLive(task);
                if (live) {
                    delivered.add(task);
                }
                return live;
            }
        });
    }

    @Override
    public Uni<Boolean> pushCancel(Task task, String reason) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                Cancel cancel = new Cancel(task, reason);
                cancels.add(cancel);
                boolean live = isLive(task);
                if (live) {
                    deliveredCancels.add(cancel);
                }
                return live;
            }
        });
    }

    @Override
    public Uni<Boolean> disconnect(BotId botId, String reason) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                disconnected.add(botId);
                return connected.remove(botId) != null;
            }
        });
    }

    /** The bots whose sessions were ended for good, in order. */
    public synchronized List<BotId> disconnected() {
        return List.copyOf(disconnected);
    }

    private boolean isLive(Task task) {
        return task.botId() != null && connected.containsKey(task.botId());
    }

    /** Every task pushed, whether or not its bot was connected. */
    public synchronized List<Task> pushed() {
        return List.copyOf(pushed);
    }

    /** The pushes that reached a connected bot. */
    public synchronized List<Task> delivered() {
        return List.copyOf(delivered);
    }

    /** Every cancel pushed, whether or not its bot was connected. */
    public synchronized List<Cancel> cancels() {
        return List.copyOf(cancels);
    }

    /** The cancels that reached a connected bot. */
    public synchronized List<Cancel> deliveredCancels() {
        return List.copyOf(deliveredCancels);
    }
}
