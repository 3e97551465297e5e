package io.clawbot.coordinator.botclient;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bot's end of the coordinator's WebSocket protocol (docs/bot-protocol.md): one session at a time, tasks run by
 * a {@link TaskHandler}, and the session kept alive across network failures.
 *
 * <p>
 * What it does for the handler:
 * <ul>
 * <li>{@link #start()} connects with {@code Authorization: Bearer <token>}; once the coordinator's
 * {@code connected} frame arrives it tells the coordinator its {@code slots} if they differ, and sends a
 * {@code heartbeat} every {@code heartbeat_interval_seconds}.</li>
 * <li>On {@code task_assigned} it sends {@code task_accepted} (or, with {@link Builder#acceptDelay(Duration)}, only
 * if the run is still going after that delay), runs the handler on a pool of {@code slots} threads, and reports the
 * outcome with {@code task_complete}. While a handler runs it sends {@code task_progress} every
 * third of {@code lease_seconds} so that the lease does not lapse under a long task.</li>
 * <li>On {@code task_cancel} it interrupts that attempt's handler and reports nothing for it.</li>
 * <li>When the session breaks (any close by the coordinator but 4001, a refused or failed connect, or no frame from
 * the coordinator, not even a {@code heartbeat_ack}, for a heartbeat interval plus {@code ack_timeout_seconds}) it
 * reconnects with exponential backoff and jitter, for as long as its owner does not {@link #close()} it: through
 * a coordinator's restart, a replica that refuses new sessions while it stops (503), or a network outage. Handlers keep running meanwhile; reports made while disconnected
 * are queued and sent on the next session, and a {@code task_complete} the coordinator never acknowledged is sent
 * again (the coordinator answers a repeat with a duplicate {@code task_ack}, so this is safe). An assignment the
 * coordinator sends again for an attempt that already ran here (it lost the acceptance with the session) is
 * answered by that completion, not run a second time.</li>
 * <li>A refused token (HTTP 401 or 403), a close with 4001 (a newer session of the same bot replaced this one, so
 * another process runs as this bot) or with 4003 (the bot was deleted, or its token rotated or revoked) ends the
 * client for good: {@link #terminated()} completes.</li>
 * </ul>
 *
 * <p>
 * All methods are thread-safe. The client keeps the session alive (connecting, reconnecting, timers); the frames
 * on their way out are its {@link Outbox}'s, the tasks it holds its {@link TaskRunner}'s, and each WebSocket
 * session is a {@link Session}. They share one lock.
 */
public final class BotClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BotClient.class.getName());

    private static final int NORMAL_CLOSURE = 1000;
    /** The coordinator's close for a session a newer one of the same bot replaced: do not reconnect. */
    static final int REPLACED = 4001;
    /** The coordinator's close when the bot was deleted or its token rotated or revoked: do not reconnect. */
    static final int REVOKED = 4003;
    private static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    /** The error code of a report the coordinator could not take just now (docs/bot-protocol.md). */
    private static final String UNAVAILABLE = "unavailable";
    /** How long a completion the coordinator could not take waits before it goes out again. */
    private static final Duration RESEND_WHEN_UNAVAILABLE = Duration.ofSeconds(2);

    /** The coordinator's addresses: one (a load balancer), or one per replica, tried in turn. */
    private final List<URI> uris;
    /** The address of the current or next connection attempt. */
    private volatile URI uri;
    private int nextUri;
    private final String token;
    private final int slots;
    private final BotListener listener;
    private final Backoff backoff;
    private final Duration heartbeatOverride;
    private final Duration progressOverride;
    private final Duration connectTimeout;

    private final HttpClient http;
    private final ScheduledExecutorService scheduler;

    private final Object lock = new Object();
    private final Plumbing plumbing = new Plumbing();
    private final Outbox outbox;
    private final TaskRunner tasks;
    /** The session being opened or open; null between sessions. Guarded by {@link #lock}. */
    private Session current;
    /** Guarded by {@link #lock}. */
    private boolean started;
    /** Set by {@link #close()} or a fatal refusal; nothing reconnects after it. Guarded by {@link #lock}. */
    private boolean closed;
    /** Connect attempts since the last {@code connected}; drives the backoff. Guarded by {@link #lock}. */
    private int failures;
    /** Guarded by {@link #lock}. */
    private ScheduledFuture<?> reconnectTimer;
    /** Guarded by {@link #lock}. */
    private long generation;

    private final CompletableFuture<ConnectedInfo> firstConnect = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile ConnectedInfo info;

    private BotClient(Builder builder) {
        this.uris = List.copyOf(builder.uris);
        this.uri = uris.getFirst();
        this.token = builder.token;
        this.slots = builder.slots;
        this.listener = new SafeListener(builder.listener);
        this.backoff = new Backoff(builder.initialBackoff, builder.maxBackoff);
        this.heartbeatOverride = builder.heartbeatInterval;
        this.progressOverride = builder.progressInterval;
        this.connectTimeout = builder.connectTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("bot-client-scheduler"));
        this.outbox = new Outbox(lock, plumbing);
        // Exactly `slots` threads: the pool is what bounds concurrency, and the queue holds any over-assignment.
        this.tasks = new TaskRunner(lock, outbox, plumbing, builder.handler, listener,
                new ThreadPoolExecutor(slots, slots,
                        0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), daemonThreads("bot-task")),
                new RunSpans(builder.openTelemetry == null ? GlobalOpenTelemetry.get() : builder.openTelemetry),
                scheduler, builder.acceptDelay);
    }

    /** A builder; {@code uri}, {@code handler} and usually {@code token} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the first session. Connect failures are retried with backoff, so the returned future stays pending
     * until a session is up: it completes with the coordinator's {@code connected} information once the
     * {@code connected} frame arrived and, when the client had to change its slots, once the coordinator
     * acknowledged them (or {@code ack_timeout_seconds} passed), so that dispatch already sees the right capacity.
     * It fails with {@link BotConnectException} if the coordinator refuses the token or the client is closed first.
     * Calling it again returns the same outcome.
     */
    public CompletableFuture<ConnectedInfo> start() {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new BotConnectException("client is closed", -1, null));
            }
            if (!started) {
                started = true;
                scheduler.execute(this::connect);
            }
        }
        // A copy, so that a caller completing or cancelling it cannot change the client's own state.
        return firstConnect.copy();
    }

    /** What the latest {@code connected} frame said (slots updated by {@code slots_ack}); null before the first. */
    public ConnectedInfo connectedInfo() {
        return info;
    }

    /** This bot's id, from the latest {@code connected} frame; null before the first. */
    public String botId() {
        ConnectedInfo latest = info;
        return latest == null ? null : latest.botId();
    }

    /** Whether a session is up and its {@code connected} frame arrived. */
    public boolean isConnected() {
        synchronized (lock) {
            return current != null && current.ready && !current.ended.isDone();
        }
    }

    /** How many assigned tasks this client holds: running, or queued for a free slot. */
    public int runningTaskCount() {
        return tasks.count();
    }

    /** How many frames wait for a session (queued while disconnected, or behind the frame being sent). */
    public int pendingFrameCount() {
        synchronized (lock) {
            return outbox.sizeLocked();
        }
    }

    /**
     * Completes when the client has stopped for good: normally after {@link #close()} or a close with 4001 by the
     * coordinator, exceptionally with {@link BotConnectException} when the coordinator refused the token.
     */
    public CompletableFuture<Void> terminated() {
        return terminated.copy();
    }

    /**
     * Sends any frame. It waits in the outbound queue behind earlier frames, and while disconnected until the next
     * session is up. The client does not track it: use this for frames the client does not send itself, or, in
     * tests, for stale, duplicate or invalid ones.
     *
     * @return completes when the frame has been handed to the socket
     * @throws IllegalArgumentException
     *             if the payload is not JSON-serializable
     */
    public CompletableFuture<Void> send(String type, Map<String, Object> payload) {
        return send(new Outbound(Frames.encode(type, payload), null, false));
    }

    /** Sends {@code text} as one text frame, as is: for tests of how the coordinator treats malformed frames. */
    public CompletableFuture<Void> sendRaw(String text) {
        return send(new Outbound(Objects.requireNonNull(text, "text"), null, false));
    }

    /**
     * Reports progress on a task this bot holds, which also extends its lease. Queued like any report while
     * disconnected.
     *
     * @param progress
     *            any JSON object describing the progress; {@code null} for none
     */
    public CompletableFuture<Void> progress(String taskId, int attempt, Map<String, Object> progress) {
        Map<String, Object> payload = TaskRunner.taskRef(taskId, attempt);
        if (progress != null) {
            payload.put("progress", progress);
        }
        return send("task_progress", payload);
    }

    /**
     * Stops the client: sends a close frame with status 1000, waits briefly for the coordinator's answer,
     * interrupts running handlers and stops the client's threads. Queued frames are dropped. Idempotent.
     */
    @Override
    public void close() {
        Session session;
        boolean handshake = false;
        synchronized (lock) {
            if (terminated.isDone()) {
                return;
            }
            closed = true;
            if (reconnectTimer != null) {
                reconnectTimer.cancel(false);
            }
            session = current;
            if (session != null && session.socket != null && !session.ended.isDone()) {
                handshake = true;
                outbox.closeLocked(session);
            }
        }
        if (session != null) {
            if (handshake) {
                try {
                    session.ended.get(CLOSE_HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    // The coordinator did not answer the close in time; abort below.
                }
            }
            WebSocket socket = session.socket;
            if (socket != null) {
                socket.abort();
            }
            ended(session, NORMAL_CLOSURE, "closed by client");
        }
        shutDown(null);
    }

    // ---- connecting

    private void connect() {
        Session session;
        synchronized (lock) {
            if (closed) {
                return;
            }
            session = new Session(++generation, plumbing);
            current = session;
            uri = uris.get(nextUri % uris.size());
        }
        LOG.fine(() -> "connecting to " + uri);
        try {
            WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            builder.buildAsync(uri, session).whenComplete((socket, error) -> {
                if (error != null) {
                    connectFailed(session, error);
                }
            });
        } catch (RuntimeException e) {
            connectFailed(session, e);
        }
    }

    private void connectFailed(Session session, Throwable error) {
        Throwable cause = unwrap(error);
        int status = cause instanceof WebSocketHandshakeException handshake
                ? handshake.getResponse().statusCode()
                : -1;
        boolean refused = status == 401 || status == 403;
        boolean retry;
        synchronized (lock) {
            if (!session.ended.complete(null)) {
                return;
            }
            if (current == session) {
                current = null;
            }
            retry = !closed && !refused;
        }
        String why = status > 0 ? "HTTP " + status : describe(cause);
        LOG.log(retry ? Level.INFO : Level.WARNING, "cannot connect to " + uri + ": " + why);
        listener.onConnectFailed(cause, retry);
        if (refused) {
            shutDown(new BotConnectException("coordinator refused the bot's token (HTTP " + status + ")", status,
                    cause));
        } else if (retry) {
            scheduleReconnect();
        }
    }

    private void scheduleReconnect() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Duration delay = backoff.delay(failures);
            if (failures < Integer.MAX_VALUE) {
                failures++;
            }
            // A lost or refused connection moves on to the next address (another replica), if there is one.
            nextUri = (nextUri + 1) % uris.size();
            LOG.fine(() -> "reconnecting in " + delay.toMillis() + " ms");
            try {
                reconnectTimer = scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The scheduler only stops when the client does.
            }
        }
    }

    /** The socket of {@code session} opened: keep it if it is still the one wanted. */
    private boolean opened(Session session, WebSocket socket) {
        boolean abort;
        synchronized (lock) {
            session.socket = socket;
            abort = closed || current != session;
        }
        if (abort) {
            socket.abort();
            ended(session, NORMAL_CLOSURE, "closed by client");
            return false;
        }
        // A server that upgrades but never says `connected` would otherwise hold the client forever.
        schedule(session, () -> {
            boolean stuck;
            synchronized (lock) {
                stuck = !session.ready && !session.ended.isDone();
            }
            if (stuck) {
                socket.abort();
                ended(session, Session.ABNORMAL_CLOSURE, "no 'connected' frame within " + connectTimeout);
            }
        }, connectTimeout);
        return true;
    }

    /** A session ended, by either side or by failure: clean it up, then reconnect unless that would be wrong. */
    private void ended(Session session, int statusCode, String reason) {
        boolean reconnect;
        boolean serverSaidBye;
        synchronized (lock) {
            if (session.ended.isDone()) {
                return;
            }
            session.ended.complete(null);
            session.timers.forEach(timer -> timer.cancel(false));
            if (current == session) {
                current = null;
            }
            outbox.dropDroppablesLocked();
            // Another process of this bot took the session (4001): reconnecting would take it back, for ever. Or its
            // credentials are gone (4003): reconnecting would be refused. Any other close
            // (a replica stopping, a restart, a network fault) is only a reason to come back later.
            serverSaidBye = !closed && (statusCode == REPLACED || statusCode == REVOKED);
            reconnect = !closed && !serverSaidBye;
        }
        LOG.log(reconnect ? Level.INFO : Level.FINE, "session ended: " + statusCode + " " + reason);
        listener.onDisconnected(statusCode, reason);
        if (reconnect) {
            scheduleReconnect();
        } else if (serverSaidBye) {
            shutDown(null);
        }
    }

    /** Stops everything; {@code failure} null for a normal stop. */
    private void shutDown(Throwable failure) {
        List<Outbound> dropped;
        synchronized (lock) {
            closed = true;
            if (reconnectTimer != null) {
                reconnectTimer.cancel(false);
            }
            dropped = outbox.clearLocked();
        }
        BotConnectException stopped = failure instanceof BotConnectException refused
                ? refused
                : new BotConnectException("client is closed", -1, failure);
        dropped.forEach(outbound -> outbound.done.completeExceptionally(stopped));
        firstConnect.completeExceptionally(stopped);
        tasks.stop();
        scheduler.shutdownNow();
        http.shutdownNow();
        if (failure == null) {
            terminated.complete(null);
        } else {
            terminated.completeExceptionally(failure);
        }
    }

    // ---- inbound

    private void frame(Session session, String text) {
        Frames.Frame frame;
        try {
            frame = Frames.decode(text);
        } catch (IllegalArgumentException e) {
            LOG.warning("ignoring a malformed frame from the coordinator: " + e.getMessage());
            return;
        }
        LOG.finest(() -> "received " + text);
        listener.onFrame(frame.type(), frame.payload());
        try {
            switch (frame.type()) {
                case "connected" -> onConnected(session, frame.payload());
                case "task_assigned" -> tasks.assigned(Frames.assignedTask(frame.payload()));
                case "task_cancel" -> tasks.cancelled(Frames.requireString(frame.payload(), "task_id"),
                        // Without an attempt the cancel is about whatever attempt of the task this bot holds.
                        Frames.intOr(frame.payload(), "attempt", -1),
                        Frames.stringOr(frame.payload(), "reason", null));
                case "task_ack" -> onTaskAck(frame.payload());
                case "slots_ack" -> onSlotsAck(session, frame.payload());
                case "error" -> onError(session, frame.payload());
                default -> {
                    // heartbeat_ack needs nothing; frames of a newer protocol version are ignored.
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.warning("ignoring a '" + frame.type() + "' frame with a bad payload: " + e.getMessage());
        }
    }

    private void onConnected(Session session, Map<String, Object> payload) {
        ConnectedInfo connected = Frames.connectedInfo(payload);
        boolean changeSlots = connected.slots() != slots;
        synchronized (lock) {
            if (current != session || session.ended.isDone()) {
                return;
            }
            session.ready = true;
            failures = 0;
            info = connected;
            // On the wire: slots first, then completions a lost session never acknowledged, then what queued.
            outbox.prepareForSessionLocked(changeSlots
                    ? new Outbound(Frames.encode("slots", Map.of("slots", slots)), null, true)
                    : null);
            scheduleTimers(session, connected);
        }
        LOG.info(() -> "connected as bot " + connected.botId() + " to " + uri);
        listener.onConnected(connected);
        outbox.pump(session);
        if (changeSlots) {
            // start() counts as done once the coordinator knows the slots; do not wait forever for an old server.
            schedule(session, () -> session.slotsSettled.complete(null),
                    Duration.ofSeconds(Math.max(1, connected.ackTimeoutSeconds())));
        } else {
            session.slotsSettled.complete(null);
        }
        session.slotsSettled.thenRun(() -> firstConnect.complete(info));
    }

    private void scheduleTimers(Session session, ConnectedInfo connected) {
        Duration heartbeat = heartbeatOverride != null
                ? heartbeatOverride
                : Duration.ofSeconds(Math.max(1, connected.heartbeatIntervalSeconds()));
        // Each heartbeat names the tasks this client holds, so the coordinator renews those leases only: tasks a
        // previous process of the same bot was running lapse and go to another attempt.
        scheduleRepeating(session, () -> sendDroppable(session, Frames.encode("heartbeat",
                Map.of("running", tasks.held()))), heartbeat);
        // The coordinator answers every heartbeat, so silence for a heartbeat interval plus the ack timeout means the
        // session is dead even if TCP never said so: a silently lost network, or a close the JDK failed to report
        // (its WebSocket can drop an EOF that arrives while a listener method runs).
        Duration silenceLimit = heartbeat.plusSeconds(Math.max(1, connected.ackTimeoutSeconds()));
        scheduleRepeating(session, () -> checkAlive(session, silenceLimit), silenceLimit.dividedBy(4));
        Duration progress = progressOverride != null
                ? progressOverride
                : Duration.ofSeconds(Math.max(1, connected.leaseSeconds() / 3));
        if (!progress.isZero()) {
            scheduleRepeating(session, () -> renewLeases(session), progress);
        }
    }

    private void checkAlive(Session session, Duration silenceLimit) {
        long silentNanos = System.nanoTime() - session.lastInbound;
        if (silentNanos > silenceLimit.toNanos() && !session.ended.isDone()) {
            String reason = "no frame from the coordinator for " + Duration.ofNanos(silentNanos).toMillis() + " ms";
            LOG.info(reason + "; dropping the session");
            session.socket.abort();
            ended(session, Session.ABNORMAL_CLOSURE, reason);
        }
    }

    private void onTaskAck(Map<String, Object> payload) {
        String status = Frames.stringOr(payload, "status", null);
        // Acks arrive for task_accepted and task_progress too; only a terminal status answers task_complete.
        if (status == null || status.equals("assigned") || status.equals("in_progress")) {
            return;
        }
        outbox.answered(Frames.requireString(payload, "task_id"), Frames.intOr(payload, "attempt", -1));
    }

    private void onSlotsAck(Session session, Map<String, Object> payload) {
        ConnectedInfo latest = info;
        if (latest != null) {
            info = latest.withSlots(Frames.intOr(payload, "slots", latest.slots()));
        }
        session.slotsSettled.complete(null);
    }

    private void onError(Session session, Map<String, Object> payload) {
        String code = Frames.stringOr(payload, "code", null);
        String message = Frames.stringOr(payload, "message", null);
        String taskId = Frames.stringOr(payload, "task_id", null);
        LOG.info(() -> "coordinator error " + code + ": " + message + (taskId == null ? "" : " (task " + taskId + ")"));
        if (taskId != null && UNAVAILABLE.equals(code)) {
            // The coordinator could not take the report just now (its database is down or busy): the completion is
            // kept and goes out again shortly, on this session or, if it ends meanwhile, on the next.
            schedule(session, () -> resend(session, taskId), RESEND_WHEN_UNAVAILABLE);
        } else if (taskId != null) {
            // The coordinator rejected a report about this task; re-sending it after a reconnect would not help.
            outbox.answered(taskId, -1);
        } else {
            // Most likely the answer to our slots frame; either way do not hold start() up.
            session.slotsSettled.complete(null);
        }
        listener.onServerError(code, message, taskId);
    }

    private void resend(Session session, String taskId) {
        synchronized (lock) {
            if (closed || current != session || !outbox.resendLocked(taskId)) {
                return;
            }
        }
        outbox.pump(session);
    }

    private void renewLeases(Session session) {
        for (TaskKey key : tasks.keys()) {
            sendDroppable(session, Frames.encode("task_progress", TaskRunner.taskRef(key.taskId(), key.attempt())));
        }
    }

    // ---- outbound

    private CompletableFuture<Void> send(Outbound outbound) {
        Session session;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new BotConnectException("client is closed", -1, null));
            }
            outbox.addLocked(outbound);
            session = current;
        }
        outbox.pump(session);
        return outbound.done;
    }

    private void flush() {
        Session session;
        synchronized (lock) {
            session = current;
        }
        outbox.pump(session);
    }

    private boolean mayWrite(Session session) {
        return !closed && current == session && session.ready && !session.ended.isDone();
    }

    private void sendFailed(Session session, Throwable error) {
        LOG.info("send failed, dropping the session: " + describe(unwrap(error)));
        session.socket.abort();
        ended(session, Session.ABNORMAL_CLOSURE, "send failed: " + describe(unwrap(error)));
    }

    /** Queues a frame only worth sending on this very session (heartbeats, automatic lease renewal). */
    private void sendDroppable(Session session, String text) {
        synchronized (lock) {
            if (closed || current != session || !session.ready) {
                return;
            }
            outbox.addLocked(new Outbound(text, null, true));
        }
        outbox.pump(session);
    }

    /** What the client's parts call back: kept out of the client's public methods. */
    private final class Plumbing implements Session.Events, Outbox.Gate, TaskRunner.Client {

        @Override
        public boolean opened(Session session, WebSocket socket) {
            return BotClient.this.opened(session, socket);
        }

        @Override
        public void frame(Session session, String text) {
            BotClient.this.frame(session, text);
        }

        @Override
        public void ended(Session session, int statusCode, String reason) {
            BotClient.this.ended(session, statusCode, reason);
        }

        @Override
        public boolean mayWrite(Session session) {
            return BotClient.this.mayWrite(session);
        }

        @Override
        public void sendFailed(Session session, Throwable error) {
            BotClient.this.sendFailed(session, error);
        }

        @Override
        public boolean isClosedLocked() {
            return closed;
        }

        @Override
        public CompletableFuture<Void> send(Outbound outbound) {
            return BotClient.this.send(outbound);
        }

        @Override
        public void flush() {
            BotClient.this.flush();
        }
    }

    // ---- helpers

    private void scheduleRepeating(Session session, Runnable action, Duration every) {
        try {
            session.timers.add(scheduler.scheduleAtFixedRate(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    // A repeating task that throws is never run again; log and keep the timer alive.
                    LOG.log(Level.WARNING, "timer failed", e);
                }
            }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    private void schedule(Session session, Runnable action, Duration after) {
        try {
            ScheduledFuture<?> timer = scheduler.schedule(action, after.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (lock) {
                session.timers.add(timer);
            }
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The exception's message, which becomes a failed task's error; its class name when it has none. */
    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getName() : message;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            // Daemon threads: a forgotten client must not keep the JVM alive.
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Configures a {@link BotClient}. */
    public static final class Builder {
        private List<URI> uris = List.of();
        private String token;
        private int slots = 1;
        private TaskHandler handler;
        private BotListener listener = new BotListener() {
        };
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration heartbeatInterval;
        private Duration progressInterval;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private OpenTelemetry openTelemetry;
        private Duration acceptDelay = Duration.ZERO;

        private Builder() {
        }

        /** The coordinator's control endpoint, e.g. {@code ws://localhost:8080/api/v1/ws/control}. Required. */
        public Builder uri(URI value) {
            this.uris = value == null ? List.of() : List.of(value);
            return this;
        }

        /** {@link #uri(URI)} from a string. */
        public Builder uri(String value) {
            return uri(URI.create(value));
        }

        /**
         * Several addresses of the coordinator, one per replica, when no load balancer stands in front of them:
         * the client connects to the first and, whenever a connection is lost or cannot be made, tries the next
         * one (round robin, with the usual backoff). A bot that comes back within the reconnect grace keeps its
         * tasks, whichever replica it reaches.
         */
        public Builder uris(List<URI> values) {
            this.uris = values == null ? List.of() : List.copyOf(values);
            return this;
        }

        /**
         * The bot's token, sent as {@code Authorization: Bearer <token>}. Leave it unset to send no header (for a
         * token in the URI's {@code ?token=} query, or to test a refused connect).
         */
        public Builder token(String value) {
            this.token = value;
            return this;
        }

        /** How many tasks to run at once, 1 to 256 (the protocol's range); default 1. */
        public Builder slots(int value) {
            this.slots = value;
            return this;
        }

        /** Runs the assigned tasks. Required. */
        public Builder handler(TaskHandler value) {
            this.handler = value;
            return this;
        }

        /** Observes the client; default none. */
        public Builder listener(BotListener value) {
            this.listener = value;
            return this;
        }

        /** Reconnect delays: the first, doubling up to the maximum, with jitter; default 500 ms to 30 s. */
        public Builder reconnect(Duration initialBackoff, Duration maxBackoff) {
            this.initialBackoff = initialBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** Heartbeat interval instead of the coordinator's {@code heartbeat_interval_seconds}. */
        public Builder heartbeatInterval(Duration value) {
            this.heartbeatInterval = value;
            return this;
        }

        /**
         * How often to send {@code task_progress} for every held task, instead of a third of the coordinator's
         * {@code lease_seconds}; {@link Duration#ZERO} turns automatic lease renewal off.
         */
        public Builder progressInterval(Duration value) {
            this.progressInterval = value;
            return this;
        }

        /**
         * Where each run's span goes: it continues the task's trace from the coordinator ({@code traceparent} in
         * {@code task_assigned}) and is current while the handler runs, so the handler's own spans join the trace.
         * Default: {@link GlobalOpenTelemetry}, which records nothing unless the application installed an SDK.
         */
        public Builder openTelemetry(OpenTelemetry value) {
            this.openTelemetry = value;
            return this;
        }

        /**
         * How long a run may take before its {@code task_accepted} goes out; default zero, accepted at once. A run
         * that ends sooner sends only its {@code task_complete}, which the coordinator takes as acceptance and
         * completion together: for short tasks, one frame and one database write fewer each. The attempt is then
         * held by the offer's acknowledgement lease until the completion lands, so a completion that cannot land
         * within {@code ack_timeout_seconds} (the coordinator's database down that long) lets the offer lapse and
         * the task run again; and a bot that dies before either frame ends the attempt only when the offer lapses.
         * Keep it well under the acknowledgement timeout (at most a second).
         */
        public Builder acceptDelay(Duration value) {
            this.acceptDelay = value;
            return this;
        }

        /** How long opening a session may take, TCP connect to {@code connected} frame; default 10 s. */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        /**
         * Builds the client; nothing connects before {@link BotClient#start()}.
         *
         * @throws IllegalArgumentException
         *             if a setting is missing or out of range
         */
        public BotClient build() {
            if (uris.isEmpty()) {
                throw new IllegalArgumentException("uri must be a ws:// or wss:// URI, was null");
            }
            for (URI uri : uris) {
                if (uri == null || !("ws".equalsIgnoreCase(uri.getScheme())
                        || "wss".equalsIgnoreCase(uri.getScheme()))) {
                    throw new IllegalArgumentException("uri must be a ws:// or wss:// URI, was " + uri);
                }
            }
            if (handler == null) {
                throw new IllegalArgumentException("handler is required");
            }
            if (slots < 1 || slots > 256) {
                throw new IllegalArgumentException("slots must be 1 to 256, was " + slots);
            }
            requirePositive("heartbeatInterval", heartbeatInterval, true);
            requirePositive("connectTimeout", connectTimeout, false);
            if (acceptDelay == null || acceptDelay.isNegative() || acceptDelay.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("acceptDelay must be 0 to 1 s, was " + acceptDelay);
            }
            if (progressInterval != null && progressInterval.isNegative()) {
                throw new IllegalArgumentException("progressInterval must not be negative");
            }
            if (listener == null) {
                listener = new BotListener() {
                };
            }
            // Validates the backoff settings before any thread exists.
            new Backoff(initialBackoff, maxBackoff);
            return new BotClient(this);
        }

        private static void requirePositive(String name, Duration value, boolean optional) {
            if (value == null ? !optional : value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
        }
    }
}
