package io.clawbot.coordinator.adapters.ws;

import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.bot.port.BotChannel;
import io.clawbot.coordinator.domain.task.Task;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bot sessions live on this replica, and the {@link BotChannel} that pushes to them. A bot has at most one
 * session: a newer one replaces the older.
 */
@ApplicationScoped
public class BotSessions implements BotChannel {

    private record Session(WebSocketConnection connection, Instant connectedAt) {
    }

    private final Map<BotId, Session> sessions = new ConcurrentHashMap<>();

    /** Records a bot's new session; returns the one it replaces, if any, so the caller can close it. */
    public WebSocketConnection attach(BotId botId, WebSocketConnection connection, Instant now) {
        Session previous = sessions.put(botId, new Session(connection, now));
        return previous == null ? null : previous.connection();
    }

    /** Forgets the session if it is still the bot's current one. */
    public void detach(BotId botId, WebSocketConnection connection) {
        sessions.computeIfPresent(botId, (id, s) -> s.connection() == connection ? null : s);
    }

    @Override
    public List<Connection> connections() {
        return sessions.entrySet().stream()
                .map(e -> new Connection(e.getKey(), e.getValue().connectedAt()))
                .sorted(Comparator.comparing(Connection::connectedAt))
                .toList();
    }

    @Override
    public Uni<Boolean> pushAssignment(Task task) {
        Session session = task.botId() == null ? null : sessions.get(task.botId());
        if (session == null || !session.connection().isOpen()) {
            return Uni.createFrom().item(false);
        }
        return session.connection().sendText(BotMessages.taskAssigned(task)).replaceWith(true);
    }
}
