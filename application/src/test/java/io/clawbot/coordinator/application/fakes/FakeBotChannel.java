package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.bot.port.BotChannel;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A replica's bot sockets: bots connect and disconnect, and every push is recorded. */
public final class FakeBotChannel implements BotChannel {

    private final Map<BotId, Instant> connected = new LinkedHashMap<>();
    private final List<Task> pushed = new ArrayList<>();
    private final List<Task> delivered = new ArrayList<>();

    public synchronized void connect(BotId botId, Instant at) {
        connected.put(botId, at);
    }

    public synchronized void disconnect(BotId botId) {
        connected.remove(botId);
    }

    @Override
    public synchronized List<Connection> connections() {
        return connected.entrySet().stream().map(e -> new Connection(e.getKey(), e.getValue())).toList();
    }

    @Override
    public Uni<Boolean> pushAssignment(Task task) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                pushed.add(task);
                boolean live = task.botId() != null && connected.containsKey(task.botId());
                if (live) {
                    delivered.add(task);
                }
                return live;
            }
        });
    }

    /** Every task pushed, whether or not its bot was connected. */
    public synchronized List<Task> pushed() {
        return List.copyOf(pushed);
    }

    /** The pushes that reached a connected bot. */
    public synchronized List<Task> delivered() {
        return List.copyOf(delivered);
    }
}
