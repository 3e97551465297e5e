package io.clawbot.coordinator.adapters.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel.Connection;
import io.clawbot.coordinator.domain.dispatch.port.BotSockets;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The bot sessions live on this replica, and the {@link BotSockets} that pushes to them. A bot has at most one
 * session: a newer one replaces the older. Sends are asynchronous and bounded per session, so a slow or dead
 * bot never blocks a sender or another bot.
 */
@ApplicationScoped
// Injected as itself; the application's BotChannel routes over it and relays to other replicas.
@Typed(BotSessions.class)
public class BotSessions implements BotSockets {

    private static final Logger LOG = Logger.getLogger(BotSessions.class);

    /** Policy violation: the close code for abuse and for a bot that does not read its socket. */
    static final int POLICY_VIOLATION = 1008;
    static final int GOING_AWAY = 1001;
    /**
     * A newer session of the same bot replaced this one (docs/bot-protocol.md): the one close that tells a bot not to
     * reconnect, since two processes of one bot would otherwise take the session from each other for ever.
     */
    static final int REPLACED = 4001;
    /** The bot was deleted or its token rotated or revoked: its session ends and it should not come back as is. */
    static final int REVOKED = 4003;

    /** {@link Session#unansweredSince} when the bot has answered every offer made to it. */
    private static final long ANSWERED = Long.MIN_VALUE;

    private static final class Session {
        final WebSocketConnection connection;
        final List<String> capabilities;
        final Instant connectedAt;
        final Backlog backlog = new Backlog();
        /**
         * When the oldest offer the bot has not answered was made ({@link System#nanoTime()}), or
         * {@link #ANSWERED}: any frame from the bot counts as an answer.
         */
        final AtomicLong unansweredSince = new AtomicLong(ANSWERED);
        /** Whether it is passed over for not answering; kept to log the change once each way. */
        volatile boolean passedOver;
        /** Whether it is passed over for not reading what was sent to it; kept to log the change once each way. */
        volatile boolean backedUp;
        volatile int slots;

        Session(WebSocketConnection connection, Bot bot, Instant connectedAt) {
            this.connection = connection;
            this.capabilities = bot.capabilities();
            this.slots = bot.slots();
            this.connectedAt = connectedAt;
        }
    }

    /** The frames handed to a connection's socket that it has not written yet, and their size. */
    private static final class Backlog {
        final AtomicInteger frames = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        /** Since when ({@link System#nanoTime()}) at least {@link #PASS_OVER_BYTES} have waited, or {@link #NEVER}. */
        final AtomicLong backedUpSince = new AtomicLong(NEVER);

        void written(int size) {
            frames.decrementAndGet();
            if (bytes.addAndGet(-size) < PASS_OVER_BYTES) {
                backedUpSince.set(NEVER);
            }
        }

        /** Whether the bot has been backed up for longer than {@code limit} (nanoseconds) by {@code now}. */
        boolean backedUpLongerThan(long limit, long now) {
            if (bytes.get() < PASS_OVER_BYTES) {
                return false;
            }
            backedUpSince.compareAndSet(NEVER, now);
            long since = backedUpSince.get();
            return since != NEVER && now - since > limit;
        }
    }

    private static final long NEVER = Long.MIN_VALUE;

    /**
     * A bot with this much sent to it and not yet written to its socket (the socket's buffers are full: it reads
     * slowly, or not at all) is offered no new work until it has read its way below it, and is closed (1008) when it
     * has not for longer than the acknowledgement timeout: it does not catch up. Frames in flight to a bot that reads
     * take a fraction of this; a task's payload may be up to a megabyte.
     */
    static final long PASS_OVER_BYTES = 1L << 20;

    private final Map<BotId, Session> sessions = new ConcurrentHashMap<>();
    /** Connections being closed for not reading: no more work goes to them; their close event detaches them. */
    private final Set<WebSocketConnection> evicted = ConcurrentHashMap.newKeySet();
    /** Set when this replica drains: its bots are offered no more work, though their sockets still serve. */
    private volatile boolean draining;
    private final ObjectMapper json;
    private final ChannelConfig config;
    private final ChannelTerms terms;
    private final ChannelMeters meters;

    public BotSessions(ObjectMapper json, ChannelConfig config, ChannelTerms terms, ChannelMeters meters) {
        this.meters = meters;
        this.json = json;
        this.config = config;
        this.terms = terms;
        meters.backlog(this::backlogBytes);
    }

    /** Bytes handed to the sockets of the sessions here and not written yet. */
    private long backlogBytes() {
        long bytes = 0;
        for (Session session : sessions.values()) {
            bytes += session.backlog.bytes.get();
        }
        return bytes;
    }

    /** Makes {@code connection} the bot's session, closing one it replaces. */
    void attach(Bot bot, WebSocketConnection connection) {
        Session previous = sessions.put(bot.id(), new Session(connection, bot, Instant.now()));
        if (previous != null && previous.connection != connection && previous.connection.isOpen()) {
            previous.connection.close(new CloseReason(REPLACED, "replaced by a newer connection"))
                    .subscribe().with(ignored -> {
                    }, failure -> LOG.debugf("closing a replaced session failed: %s", failure.getMessage()));
        }
    }

    /** Forgets the session if it is still the bot's current one; returns whether it was. */
    boolean detach(BotId botId, WebSocketConnection connection) {
        evicted.remove(connection);
        boolean[] removed = { false };
        sessions.computeIfPresent(botId, (id, s) -> {
            if (s.connection == connection) {
                removed[0] = true;
                return null;
            }
            return s;
        });
        return removed[0];
    }

    void setSlots(BotId botId, int slots) {
        Session session = sessions.get(botId);
        if (session != null) {
            session.slots = slots;
        }
    }

    /**
     * Notes that the bot said something on its session: whatever offer it had left unanswered, it is not gone, and
     * it is offered work again.
     */
    void heard(BotId botId, WebSocketConnection connection) {
        Session session = sessions.get(botId);
        if (session == null || session.connection != connection) {
            return;
        }
        if (session.unansweredSince.get() != ANSWERED) {
            session.unansweredSince.set(ANSWERED);
        }
        if (session.passedOver) {
            session.passedOver = false;
            LOG.infof("bot %s is heard from again and is offered work again", botId);
        }
    }

    /**
     * The bots connected here that can be offered work: none once this replica drains, so that no new assignment
     * races the release of the unaccepted ones; and not a bot that has let an offer go unanswered for longer than
     * the acknowledgement timeout without a word since (its socket is open but it is cut off, frozen or stuck),
     * until it is heard from again. Otherwise such a bot would be offered each task again as soon as its offer
     * lapsed, and hold up work for which other bots are free. Nor a bot that is not reading what it was sent
     * ({@link #PASS_OVER_BYTES}): more work would only wait in its backlog, and each offer that lapses there
     * delays its task by the acknowledgement timeout while other bots could run it.
     */
    @Override
    public List<Connection> connections() {
        if (draining) {
            return List.of();
        }
        long now = System.nanoTime();
        long patience = terms.ackTimeout().toNanos();
        List<Connection> out = new ArrayList<>(sessions.size());
        sessions.forEach((id, s) -> {
            if (s.backlog.backedUpLongerThan(patience, now)) {
                evict(s.connection, s.backlog, "has not caught up with what it was sent for "
                        + terms.ackTimeout().toSeconds() + " s");
            } else if (!evicted.contains(s.connection) && !unresponsive(id, s, now, patience) && !backedUp(id, s)) {
                out.add(new Connection(id, s.capabilities, s.slots, s.connectedAt));
            }
        });
        out.sort(Comparator.comparing(Connection::connectedAt));
        return out;
    }

    private static boolean unresponsive(BotId id, Session session, long now, long patience) {
        long since = session.unansweredSince.get();
        if (since == ANSWERED || now - since <= patience) {
            return false;
        }
        if (!session.passedOver) {
            session.passedOver = true;
            LOG.warnf("bot %s has not answered an offer for %d ms and has said nothing since; it is offered no more "
                    + "work until it is heard from", id, (now - since) / 1_000_000);
        }
        return true;
    }

    private static boolean backedUp(BotId id, Session session) {
        long bytes = session.backlog.bytes.get();
        boolean backedUp = bytes >= PASS_OVER_BYTES;
        if (backedUp != session.backedUp) {
            session.backedUp = backedUp;
            if (backedUp) {
                LOG.warnf("bot %s is not reading what it is sent (%d bytes wait for its socket); it is offered no "
                        + "more work until it catches up", id, bytes);
            } else {
                LOG.infof("bot %s caught up with what it was sent; it is offered work again", id);
            }
        }
        return backedUp;
    }

    @Override
    public Uni<Boolean> pushAssignment(Task task) {
        Session session = task.botId() == null ? null : sessions.get(task.botId());
        if (session != null) {
            // Before the send: an answer that comes back at once must find the offer to clear.
            session.unansweredSince.compareAndSet(ANSWERED, System.nanoTime());
        }
        return send(task.botId(), BotMessages.taskAssigned(task, Instant.now().plus(terms.ackTimeout())));
    }

    @Override
    public Uni<Boolean> pushCancel(Task task, String reason) {
        return send(task.botId(), BotMessages.taskCancel(task, reason));
    }

    /** Tells a bot connected here to stop working on an attempt of a task (a push relayed from another replica). */
    public Uni<Boolean> pushCancel(BotId botId, TaskId taskId, int attempt, String reason) {
        return send(botId, BotMessages.taskCancel(taskId, attempt, reason));
    }

    @Override
    public Uni<Boolean> disconnect(BotId botId, String reason) {
        Session session = sessions.get(botId);
        if (session == null) {
            return Uni.createFrom().item(false);
        }
        // No more work goes to it from this moment; its close event detaches it.
        evicted.add(session.connection);
        return session.connection.close(new CloseReason(REVOKED, reason)).onFailure().recoverWithNull()
                .replaceWith(true);
    }

    /** Offers the bots connected here no more work; their sockets keep serving reports until closed. */
    void stopOffering() {
        draining = true;
    }

    /** Whether this replica is shutting down: it offers no work and takes no new bot sessions. */
    boolean isDraining() {
        return draining;
    }

    /** Closes every session with 1001 (going away): bots reconnect, possibly to another replica. */
    Uni<Void> closeAll(String reason) {
        List<Uni<Void>> closing = new ArrayList<>();
        sessions.values().forEach(s -> closing.add(s.connection.close(new CloseReason(GOING_AWAY, reason))
                .onFailure().recoverWithNull()));
        return closing.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(closing).andFailFast().replaceWithVoid();
    }

    /** Sends a frame to a bot connected here; {@code false} when it is not (or no longer) connected. */
    Uni<Boolean> send(BotId botId, BotMessages.Frame frame) {
        Session session = botId == null ? null : sessions.get(botId);
        if (session == null || !session.connection.isOpen() || evicted.contains(session.connection)) {
            return Uni.createFrom().item(false);
        }
        return send(session.connection, session.backlog, frame);
    }

    /** Sends on a connection that may not be attached yet (the {@code connected} frame, answers, errors). */
    Uni<Boolean> reply(WebSocketConnection connection, BotId botId, BotMessages.Frame frame) {
        Session session = botId == null ? null : sessions.get(botId);
        Backlog backlog = session != null && session.connection == connection ? session.backlog : new Backlog();
        return send(connection, backlog, frame);
    }

    private Uni<Boolean> send(WebSocketConnection connection, Backlog backlog, BotMessages.Frame frame) {
        String text;
        try {
            text = json.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        int size = text.length();
        long bytes = backlog.bytes.addAndGet(size);
        // A frame larger than the byte bound still goes to a bot that has nothing waiting.
        if (backlog.frames.incrementAndGet() > config.maxPendingSends()
                || (bytes > config.maxPendingBytes() && bytes > size)) {
            backlog.written(size);
            evict(connection, backlog, "has too much waiting");
            return Uni.createFrom().item(false);
        }
        if (backlog.backedUpLongerThan(terms.ackTimeout().toNanos(), System.nanoTime())) {
            backlog.written(size);
            evict(connection, backlog, "has not caught up with what it was sent for " + terms.ackTimeout().toSeconds()
                    + " s");
            return Uni.createFrom().item(false);
        }
        // Hand the frame to the socket and return: waiting for the write would let a bot that stops reading stall
        // whoever sends to it (a dispatch round, an HTTP request). The backlog's bounds are the limit instead.
        meters.sent(frame.type());
        if ("error".equals(frame.type())) {
            meters.error(String.valueOf(frame.payload().get("code")));
        }
        connection.sendText(text).subscribe().with(written -> backlog.written(size), failure -> {
            backlog.written(size);
            LOG.debugf("a frame to bot connection %s was not written: %s", connection.id(), failure.getMessage());
        });
        return Uni.createFrom().item(true);
    }

    /** Closes the session of a bot that does not read its socket (1008); it is offered nothing meanwhile. */
    private void evict(WebSocketConnection connection, Backlog backlog, String why) {
        if (!evicted.add(connection)) {
            return;
        }
        Bot bot = connection.userData().get(BotUpgradeCheck.BOT);
        try (var fields = LogFields.of("bot_id", bot == null ? null : bot.id())) {
            LOG.warnf("bot %s is not reading its socket: it %s (connection %s: %d frames, %d bytes waiting); closing "
                    + "it", bot == null ? "?" : bot.id(), why, connection.id(), backlog.frames.get(),
                    backlog.bytes.get());
        }
        meters.evicted();
        connection.close(new CloseReason(POLICY_VIOLATION, "outbound buffer full")).subscribe().with(closed -> {
        }, failure -> LOG.debugf("closing %s failed: %s", connection.id(), failure.getMessage()));
    }
}
