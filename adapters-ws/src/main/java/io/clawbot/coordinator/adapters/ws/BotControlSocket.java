package io.clawbot.coordinator.adapters.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.application.bot.BotConnections;
import io.clawbot.coordinator.application.task.Reported;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.common.DomainException;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.Outages;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The bot control channel (docs/bot-protocol.md). It holds no rules: it checks frames, calls the
 * {@link BotConnections} use cases and answers. Nothing a bot sends can fail the replica or another session:
 * every problem becomes an {@code error} frame, and sustained abuse closes this socket with 1008.
 */
@WebSocket(path = "/api/v1/ws/control")
public class BotControlSocket {

    private static final Logger LOG = Logger.getLogger(BotControlSocket.class);
    private static final UserData.TypedKey<AbuseGuard> GUARD = new UserData.TypedKey<>("clawbot.guard");
    private static final int MAX_ERROR_LENGTH = 10_000;
    private static final int MAX_ERROR_CODE_LENGTH = 100;
    /** A bot holds at most its slots' worth of tasks (256); a heartbeat may name a few more in passing. */
    private static final int MAX_RUNNING = 512;

    private final BotConnections connections;
    private final BotSessions sessions;
    private final ObjectMapper json;
    private final ChannelConfig config;
    private final ChannelMeters meters;
    private final Outages outages;
    /** When frames failed for an outage were last logged ({@link System#nanoTime()}), and how many since. */
    private final AtomicLong outageLogged = new AtomicLong(System.nanoTime() - OUTAGE_LOG_INTERVAL_NANOS);
    private final AtomicInteger outageFailures = new AtomicInteger();
    private static final long OUTAGE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** The close code for a session that could not be brought online because of an outage (RFC 6455). */
    static final int TRY_AGAIN_LATER = 1013;
    /** The longest a heartbeat's acknowledgement waits for the heartbeat's write. */
    static final Duration HEARTBEAT_ACK_PATIENCE = Duration.ofSeconds(1);

    public BotControlSocket(BotConnections connections, BotSessions sessions, ObjectMapper json,
            ChannelConfig config, ChannelMeters meters, Outages outages) {
        this.meters = meters;
        this.outages = outages;
        this.connections = connections;
        this.sessions = sessions;
        this.json = json;
        this.config = config;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        Bot authenticated = connection.userData().get(BotUpgradeCheck.BOT);
        connection.userData().put(GUARD, new AbuseGuard(config, System.nanoTime()));
        meters.opened();
        // Order matters: "connected" is the first frame; the session is attached (and so visible to dispatch)
        // only after it; assignments the bot had not accepted are sent again before new work is signalled.
        return connections.connected(authenticated)
                .call(now -> sessions.reply(connection, now.bot().id(),
                        BotMessages.connected(now.bot(), connections.terms())))
                .invoke(now -> sessions.attach(now.bot(), connection))
                .invoke(now -> {
                    try (var fields = LogFields.of("bot_id", now.bot().id(), "bot_name", now.bot().name())) {
                        LOG.infof("bot %s (%s) connected: %d slot(s), capabilities %s, %d unaccepted assignment(s) "
                                + "sent again", now.bot().name(), now.bot().id(), now.bot().slots(),
                                now.bot().capabilities(), now.unaccepted().size());
                    }
                })
                .call(now -> resend(now.unaccepted()))
                .invoke(connections::ready)
                .replaceWithVoid()
                .onFailure().call(failure -> {
                    if (outages.isOutage(failure)) {
                        // 1013, try again later: the bot reconnects with its backoff, as after any other close.
                        try (var fields = LogFields.of("bot_id", authenticated.id())) {
                            LOG.warnf("bot %s could not be brought online: the database cannot serve right now",
                                    authenticated.id());
                        }
                        return connection.close(new CloseReason(TRY_AGAIN_LATER, "the coordinator's database cannot "
                                + "serve right now")).onFailure().recoverWithNull();
                    }
                    try (var fields = LogFields.of("bot_id", authenticated.id())) {
                        LOG.errorf(failure, "bot %s could not be brought online", authenticated.id());
                    }
                    return connection.close(new CloseReason(1011, "coordinator error")).onFailure().recoverWithNull();
                })
                .onFailure().recoverWithNull();
    }

    private Uni<Void> resend(List<Task> unaccepted) {
        if (unaccepted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(unaccepted.stream().map(sessions::pushAssignment).toList()).andFailFast()
                .replaceWithVoid();
    }

    @OnTextMessage
    public Uni<Void> onText(WebSocketConnection connection, String text) {
        BotId botId = connection.userData().get(BotUpgradeCheck.BOT).id();
        AbuseGuard guard = connection.userData().get(GUARD);
        if (guard.closing()) {
            return Uni.createFrom().voidItem();
        }
        sessions.heard(botId, connection);
        long now = System.nanoTime();
        if (!guard.admit(now)) {
            meters.received(null);
            return error(connection, botId, guard, "rate_limited", "too many frames; slow down", null);
        }
        if (tooLarge(text)) {
            meters.received(null);
            return error(connection, botId, guard, "frame_too_large",
                    "frames are limited to " + config.maxFrameBytes() + " bytes", null);
        }
        InboundFrame frame;
        try {
            frame = InboundFrame.parse(json, text);
        } catch (InboundFrame.Rejected r) {
            meters.received(null);
            return error(connection, botId, guard, r.code, r.getMessage(), r.taskId);
        }
        meters.received(frame.type);
        Uni<BotMessages.Frame> answer;
        try {
            answer = handle(botId, frame, guard, now);
        } catch (InboundFrame.Rejected r) {
            return error(connection, botId, guard, r.code, r.getMessage(), r.taskId);
        }
        return answer
                .flatMap(reply -> sessions.reply(connection, botId, reply).replaceWithVoid())
                .onFailure(DomainException.class).recoverWithUni(failure -> error(connection, botId, guard,
                        code((DomainException) failure), failure.getMessage(), frame.taskIdOrNull()))
                .onFailure(outages::isOutage).recoverWithUni(failure -> unavailable(connection, botId, frame, failure))
                .onFailure().recoverWithUni(failure -> {
                    try (var fields = LogFields.of("bot_id", botId, "task_id", frame.taskIdOrNull())) {
                        LOG.errorf(failure, "handling a %s frame from bot %s failed", frame.type, botId);
                    }
                    return error(connection, botId, guard, "internal_error",
                            "the coordinator could not handle this frame; it has been logged", frame.taskIdOrNull());
                });
    }

    private Uni<BotMessages.Frame> handle(BotId botId, InboundFrame frame, AbuseGuard guard, long now)
            throws InboundFrame.Rejected {
        return switch (frame.type) {
            case "heartbeat" -> {
                var running = frame.optionalRunning("running", MAX_RUNNING);
                // The acknowledgement follows the heartbeat's write, but waits for it no longer than a second: a
                // database slower than that (stalled, or its connections all busy) must not make bots think the
                // coordinator is gone and drop their sessions. The write goes on; a lease it fails to renew lapses.
                yield guard.heartbeatDue(now)
                        ? connections.beat(botId, running).ifNoItem().after(HEARTBEAT_ACK_PATIENCE).recoverWithItem(
                                () -> null).map(ignored -> BotMessages.heartbeatAck(Instant.now()))
                        : Uni.createFrom().item(BotMessages.heartbeatAck(Instant.now()));
            }
            case "slots" -> {
                int slots = frame.requiredInt("slots", Bot.MIN_SLOTS, Bot.MAX_SLOTS);
                yield connections.setSlots(botId, slots).invoke(bot -> sessions.setSlots(botId, bot.slots()))
                        .map(bot -> BotMessages.slotsAck(bot.slots()));
            }
            case "task_accepted" -> {
                TaskId task = new TaskId(frame.taskId());
                int attempt = frame.requiredInt("attempt", 1, Integer.MAX_VALUE);
                yield connections.accepted(botId, task, attempt).map(BotControlSocket::ack);
            }
            case "task_progress" -> {
                TaskId task = new TaskId(frame.taskId());
                int attempt = frame.requiredInt("attempt", 1, Integer.MAX_VALUE);
                Map<String, Object> progress = frame.optionalObject(json, "progress");
                yield connections.progress(botId, task, attempt, progress).map(t -> BotMessages.taskAck(t, false));
            }
            case "task_complete" -> {
                TaskId task = new TaskId(frame.taskId());
                Integer attempt = frame.optionalInt("attempt", 1, Integer.MAX_VALUE);
                boolean success = frame.requiredBoolean("success");
                if (success) {
                    Map<String, Object> result = frame.optionalObject(json, "result");
                    yield connections.completed(botId, task, attempt, result).map(BotControlSocket::ack);
                }
                String error = frame.optionalText("error", MAX_ERROR_LENGTH);
                String errorCode = frame.optionalText("error_code", MAX_ERROR_CODE_LENGTH);
                yield connections.failed(botId, task, attempt,
                        error == null || error.isBlank() ? "the bot reported a failure without a message" : error,
                        errorCode).map(BotControlSocket::ack);
            }
            default -> throw new InboundFrame.Rejected("unknown_type", "unknown frame type '" + frame.type
                    + "'; see docs/bot-protocol.md", frame.taskIdOrNull());
        };
    }

    /** A UTF-8 character takes 1 to 3 bytes per Java char: only a frame near the limit needs counting. */
    private boolean tooLarge(String text) {
        int limit = config.maxFrameBytes();
        if (text.length() > limit) {
            return true;
        }
        return (long) text.length() * 3 > limit && text.getBytes(StandardCharsets.UTF_8).length > limit;
    }

    /** The protocol is JSON text: a binary frame is answered with an error and counts against the bot. */
    @OnBinaryMessage
    public Uni<Void> onBinary(WebSocketConnection connection, Buffer data) {
        BotId botId = connection.userData().get(BotUpgradeCheck.BOT).id();
        AbuseGuard guard = connection.userData().get(GUARD);
        if (guard.closing()) {
            return Uni.createFrom().voidItem();
        }
        return error(connection, botId, guard, "binary_not_supported",
                "frames are JSON text; binary frames are not part of the protocol", null);
    }

    @OnClose
    public Uni<Void> onClose(WebSocketConnection connection) {
        CloseReason reason = connection.closeReason();
        int code = reason == null ? CloseReason.ABNORMAL.getCode() : reason.getCode();
        meters.closed(code);
        Bot bot = connection.userData().get(BotUpgradeCheck.BOT);
        if (bot == null) {
            return Uni.createFrom().voidItem();
        }
        boolean current = sessions.detach(bot.id(), connection);
        try (var fields = LogFields.of("bot_id", bot.id(), "bot_name", bot.name())) {
            LOG.infof("bot %s (%s) left: %s%s", bot.name(), bot.id(), why(code, reason),
                    current ? "" : " (a newer session of it stays)");
        }
        if (!current) {
            return Uni.createFrom().voidItem();
        }
        return connections.disconnected(bot.id()).onFailure().invoke(failure -> {
            try (var fields = LogFields.of("bot_id", bot.id())) {
                LOG.warnf(failure, "recording that bot %s disconnected failed; its leases still run out", bot.id());
            }
        })
                .onFailure().recoverWithNull();
    }

    @OnError
    public Uni<Void> onError(WebSocketConnection connection, Throwable failure) {
        LOG.debugf("bot connection %s: %s", connection.id(), failure.getMessage());
        return Uni.createFrom().voidItem();
    }

    /** Why a session ended, in an operator's words, from its close code (docs/bot-protocol.md). */
    static String why(int code, CloseReason reason) {
        String said = reason == null || reason.getMessage() == null || reason.getMessage().isBlank()
                ? ""
                : " (" + reason.getMessage() + ")";
        String meaning = switch (code) {
            case 1000 -> "it closed its session";
            case 1001 -> "going away";
            case 1005, 1006 -> "the connection was lost without a close";
            case BotSessions.POLICY_VIOLATION -> "closed for breaking the protocol";
            case 1009 -> "a frame was too large";
            case 1011 -> "a coordinator error";
            case BotSessions.REPLACED -> "replaced by a newer session";
            case BotSessions.REVOKED -> "its token was revoked or it was retired";
            default -> "closed";
        };
        return meaning + ", code " + code + said;
    }

    private static BotMessages.Frame ack(Reported reported) {
        return BotMessages.taskAck(reported.task(), reported.duplicate());
    }

    private Uni<Void> error(WebSocketConnection connection, BotId botId, AbuseGuard guard, String code,
            String message, String taskId) {
        Uni<Void> sent = sessions.reply(connection, botId, BotMessages.error(code, message, taskId)).replaceWithVoid();
        if (guard.erred(System.nanoTime())) {
            try (var fields = LogFields.of("bot_id", botId)) {
                LOG.warnf("closing the connection of bot %s: too many invalid frames", botId);
            }
            return sent.call(() -> connection.close(new CloseReason(BotSessions.POLICY_VIOLATION,
                    "too many invalid frames")).onFailure().recoverWithNull());
        }
        return sent;
    }

    /**
     * Answers a frame that failed because the database cannot serve right now: the bot is not at fault (nothing
     * counts towards closing its socket) and may send the frame again shortly. The failures are logged as one line
     * per interval with their count, not one per heartbeat of every bot.
     */
    private Uni<Void> unavailable(WebSocketConnection connection, BotId botId, InboundFrame frame, Throwable failure) {
        int failed = outageFailures.incrementAndGet();
        long now = System.nanoTime();
        long last = outageLogged.get();
        if (now - last >= OUTAGE_LOG_INTERVAL_NANOS && outageLogged.compareAndSet(last, now)) {
            outageFailures.addAndGet(-failed);
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            LOG.warnf("%d bot frame(s) failed because the database cannot serve right now; the latest, a %s frame: "
                    + "%s", failed, frame.type, root.getClass().getSimpleName() + ": " + root.getMessage());
        }
        return sessions.reply(connection, botId, BotMessages.error("unavailable", "the coordinator's database cannot "
                + "serve this frame right now; send it again shortly", frame.taskIdOrNull())).replaceWithVoid();
    }

    /** The protocol's error code for a rejected report (docs/bot-protocol.md), from the kind of failure. */
    static String code(DomainException failure) {
        return switch (failure) {
            case NotFoundException n -> "task_not_found";
            case ValidationException v -> "invalid_payload";
            case InvalidTransitionException t -> switch (t.reason()) {
                case STALE_ATTEMPT -> "stale_attempt";
                case NOT_ASSIGNED -> "not_assigned";
                case ALREADY_ENDED, WRONG_STATUS, MISSING_CAPABILITY, NOT_DUE, WORKFLOW_STEP, HELD_BY_BOT,
                        ALREADY_STARTED, BOT_OFFLINE ->
                    "invalid_transition";
            };
            default -> "invalid_transition";
        };
    }
}
