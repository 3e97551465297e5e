package io.clawbot.coordinator.botclient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * <li>On {@code task_assigned} it sends {@code task_accepted}, runs the handler on a pool of {@code slots} threads,
 * and reports the outcome with {@code task_complete}. While a handler runs it sends {@code task_progress} every
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
 * <li>A refused token (HTTP 401 or 403), or a close with 4001 (a newer session of the same bot replaced this one, so
 * another process runs as this bot) ends the client for good: {@link #terminated()} completes.</li>
 * </ul>
 *
 * <p>
 * All methods are thread-safe. {@code java.net.http.WebSocket} allows one outstanding {@code sendText} at a
 * time, so every outbound frame goes through one queue that is drained one send after another.
 */
public final class BotClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BotClient.class.getName());

    private static final int NORMAL_CLOSURE = 1000;
    /** The coordinator's close for a session a newer one of the same bot replaced: do not reconnect. */
    static final int REPLACED = 4001;
    private static final int ABNORMAL_CLOSURE = 1006;
    private static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    /** The coordinator's addresses: one (a load balancer), or one per replica, tried in turn. */
    private final List<URI> uris;
    /** The address of the current or next connection attempt. */
    private volatile URI uri;
    private int nextUri;
    private final String token;
    private final int slots;
    private final TaskHandler handler;
    private final BotListener listener;
    private final Backoff backoff;
    private final Duration heartbeatOverride;
    private final Duration progressOverride;
    private final Duration connectTimeout;

    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor taskPool;

    private final Object lock = new Object();
    /** The session being opened or open; null between sessions. Guarded by {@link #lock}. */
    private Connection current;
    /** Frames waiting for a ready session, in send order. Guarded by {@link #lock}. */
    private final Deque<Outbound> pending = new ArrayDeque<>();
    /** {@code task_complete} reports not yet answered by a terminal {@code task_ack}. Guarded by {@link #lock}. */
    private final Map<TaskKey, Outbound> unacked = new LinkedHashMap<>();
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

    private final Map<TaskKey, RunningTask> running = new ConcurrentHashMap<>();
    private final CompletableFuture<ConnectedInfo> firstConnect = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile ConnectedInfo info;

    private BotClient(Builder builder) {
        this.uris = List.copyOf(builder.uris);
        this.uri = uris.getFirst();
        this.token = builder.token;
        this.slots = builder.slots;
        this.handler = builder.handler;
        this.listener = builder.listener;
        this.backoff = new Backoff(builder.initialBackoff, builder.maxBackoff);
        this.heartbeatOverride = builder.heartbeatInterval;
        this.progressOverride = builder.progressInterval;
        this.connectTimeout = builder.connectTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("bot-client-scheduler"));
        // Exactly `slots` threads: the pool is what bounds concurrency, and the queue holds any over-assignment.
        this.taskPool = new ThreadPoolExecutor(slots, slots, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                daemonThreads("bot-task"));
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
        return running.size();
    }

    /** How many frames wait for a session (queued while disconnected, or behind the frame being sent). */
    public int pendingFrameCount() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /**
     * Completes when the client has stopped for good: normally after {@link #close()} or a normal close by the
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
        return enqueue(new Outbound(Frames.encode(type, payload), null, false));
    }

    /** Sends {@code text} as one text frame, as is: for tests of how the coordinator treats malformed frames. */
    public CompletableFuture<Void> sendRaw(String text) {
        return enqueue(new Outbound(Objects.requireNonNull(text, "text"), null, false));
    }

    /**
     * Reports progress on a task this bot holds, which also extends its lease. Queued like any report while
     * disconnected.
     *
     * @param progress
     *            any JSON object describing the progress; {@code null} for none
     */
    public CompletableFuture<Void> progress(String taskId, int attempt, Map<String, Object> progress) {
        Map<String, Object> payload = taskRef(taskId, attempt);
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
        Connection connection;
        boolean handshake = false;
        synchronized (lock) {
            if (terminated.isDone()) {
                return;
            }
            closed = true;
            if (reconnectTimer != null) {
                reconnectTimer.cancel(false);
            }
            connection = current;
            if (connection != null && connection.socket != null && !connection.ended.isDone()) {
                handshake = true;
                if (connection.sending) {
                    // Another send is outstanding and the JDK allows one at a time: afterSend sends the close.
                    connection.closeRequested = true;
                } else {
                    sendClose(connection);
                }
            }
        }
        if (connection != null) {
            if (handshake) {
                try {
                    connection.ended.get(CLOSE_HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    // The coordinator did not answer the close in time; abort below.
                }
            }
            WebSocket socket = connection.socket;
            if (socket != null) {
                socket.abort();
            }
            ended(connection, NORMAL_CLOSURE, "closed by client");
        }
        shutDown(null);
    }

    // ---- connecting ----

    private void connect() {
        Connection connection;
        synchronized (lock) {
            if (closed) {
                return;
            }
            connection = new Connection(++generation);
            current = connection;
            uri = uris.get(nextUri % uris.size());
        }
        LOG.fine(() -> "connecting to " + uri);
        try {
            WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            builder.buildAsync(uri, connection).whenComplete((socket, error) -> {
                if (error != null) {
                    connectFailed(connection, error);
                }
            });
        } catch (RuntimeException e) {
            connectFailed(connection, e);
        }
    }

    private void connectFailed(Connection connection, Throwable error) {
        Throwable cause = unwrap(error);
        int status = cause instanceof WebSocketHandshakeException handshake
                ? handshake.getResponse().statusCode()
                : -1;
        boolean refused = status == 401 || status == 403;
        boolean retry;
        synchronized (lock) {
            if (!connection.ended.complete(null)) {
                return;
            }
            if (current == connection) {
                current = null;
            }
            retry = !closed && !refused;
        }
        String why = status > 0 ? "HTTP " + status : describe(cause);
        LOG.log(retry ? Level.INFO : Level.WARNING, "cannot connect to " + uri + ": " + why);
        safely(() -> listener.onConnectFailed(cause, retry));
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

    /** A session ended, by either side or by failure: clean it up, then reconnect unless that would be wrong. */
    private void ended(Connection connection, int statusCode, String reason) {
        boolean reconnect;
        boolean serverSaidBye;
        synchronized (lock) {
            if (connection.ended.isDone()) {
                return;
            }
            connection.ended.complete(null);
            connection.timers.forEach(timer -> timer.cancel(false));
            if (current == connection) {
                current = null;
            }
            // Heartbeats and automatic progress are only worth sending on the session they were made for.
            pending.removeIf(outbound -> outbound.droppable);
            // Another process of this bot took the session: reconnecting would take it back, for ever. Any other close
            // (a replica stopping, a restart, a network fault) is only a reason to come back later.
            serverSaidBye = !closed && statusCode == REPLACED;
            reconnect = !closed && !serverSaidBye;
        }
        LOG.log(reconnect ? Level.INFO : Level.FINE, "session ended: " + statusCode + " " + reason);
        safely(() -> listener.onDisconnected(statusCode, reason));
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
            dropped = new ArrayList<>(pending);
            pending.clear();
            unacked.clear();
        }
        BotConnectException stopped = failure instanceof BotConnectException refused
                ? refused
                : new BotConnectException("client is closed", -1, failure);
        dropped.forEach(outbound -> outbound.done.completeExceptionally(stopped));
        firstConnect.completeExceptionally(stopped);
        running.values().forEach(RunningTask::cancel);
        running.clear();
        taskPool.shutdownNow();
        scheduler.shutdownNow();
        http.shutdownNow();
        if (failure == null) {
            terminated.complete(null);
        } else {
            terminated.completeExceptionally(failure);
        }
    }

    // ---- inbound ----

    private void onFrame(Connection connection, String text) {
        Frames.Frame frame;
        try {
            frame = Frames.decode(text);
        } catch (IllegalArgumentException e) {
            LOG.warning("ignoring a malformed frame from the coordinator: " + e.getMessage());
            return;
        }
        LOG.finest(() -> "received " + text);
        safely(() -> listener.onFrame(frame.type(), frame.payload()));
        try {
            switch (frame.type()) {
                case "connected" -> onConnected(connection, frame.payload());
                case "task_assigned" -> onAssigned(frame.payload());
                case "task_cancel" -> onCancel(frame.payload());
                case "task_ack" -> onTaskAck(frame.payload());
                case "slots_ack" -> onSlotsAck(connection, frame.payload());
                case "error" -> onError(connection, frame.payload());
                default -> {
                    // heartbeat_ack needs nothing; frames of a newer protocol version are ignored.
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.warning("ignoring a '" + frame.type() + "' frame with a bad payload: " + e.getMessage());
        }
    }

    private void onConnected(Connection connection, Map<String, Object> payload) {
        ConnectedInfo connected = Frames.connectedInfo(payload);
        boolean changeSlots = connected.slots() != slots;
        synchronized (lock) {
            if (current != connection || connection.ended.isDone()) {
                return;
            }
            connection.ready = true;
            failures = 0;
            info = connected;
            // On the wire: slots first, then completions a lost session never acknowledged, then what queued.
            List<Outbound> resend = new ArrayList<>();
            for (Outbound outbound : unacked.values()) {
                if (outbound.written) {
                    outbound.written = false;
                    resend.add(outbound);
                }
            }
            for (int i = resend.size() - 1; i >= 0; i--) {
                pending.addFirst(resend.get(i));
            }
            if (changeSlots) {
                pending.addFirst(new Outbound(Frames.encode("slots", Map.of("slots", slots)), null, true));
            }
            scheduleTimers(connection, connected);
        }
        LOG.info(() -> "connected as bot " + connected.botId() + " to " + uri);
        safely(() -> listener.onConnected(connected));
        pump(connection);
        if (changeSlots) {
            // start() counts as done once the coordinator knows the slots; do not wait forever for an old server.
            schedule(connection, () -> connection.slotsSettled.complete(null),
                    Duration.ofSeconds(Math.max(1, connected.ackTimeoutSeconds())));
        } else {
            connection.slotsSettled.complete(null);
        }
        connection.slotsSettled.thenRun(() -> firstConnect.complete(info));
    }

    private void scheduleTimers(Connection connection, ConnectedInfo connected) {
        Duration heartbeat = heartbeatOverride != null
                ? heartbeatOverride
                : Duration.ofSeconds(Math.max(1, connected.heartbeatIntervalSeconds()));
        // Each heartbeat names the tasks this client holds, so the coordinator renews those leases only: tasks a
        // previous process of the same bot was running lapse and go to another attempt.
        scheduleRepeating(connection, () -> sendDroppable(connection, heartbeatFrame()), heartbeat);
        // The coordinator answers every heartbeat, so silence for a heartbeat interval plus the ack timeout means the
        // session is dead even if TCP never said so: a silently lost network, or a close the JDK failed to report
        // (its WebSocket can drop an EOF that arrives while a listener method runs).
        Duration silenceLimit = heartbeat.plusSeconds(Math.max(1, connected.ackTimeoutSeconds()));
        scheduleRepeating(connection, () -> checkAlive(connection, silenceLimit), silenceLimit.dividedBy(4));
        Duration progress = progressOverride != null
                ? progressOverride
                : Duration.ofSeconds(Math.max(1, connected.leaseSeconds() / 3));
        if (!progress.isZero()) {
            scheduleRepeating(connection, () -> renewLeases(connection), progress);
        }
    }

    private void checkAlive(Connection connection, Duration silenceLimit) {
        long silentNanos = System.nanoTime() - connection.lastInbound;
        if (silentNanos > silenceLimit.toNanos() && !connection.ended.isDone()) {
            String reason = "no frame from the coordinator for " + Duration.ofNanos(silentNanos).toMillis() + " ms";
            LOG.info(reason + "; dropping the session");
            connection.socket.abort();
            ended(connection, ABNORMAL_CLOSURE, reason);
        }
    }

    private void onAssigned(Map<String, Object> payload) {
        AssignedTask task = Frames.assignedTask(payload);
        TaskKey key = new TaskKey(task.taskId(), task.attempt());
        safely(() -> listener.onAssigned(task));
        LOG.fine(() -> "assigned " + key);
        RunningTask runningTask = new RunningTask(key, task);
        boolean finished;
        boolean stillRunning;
        synchronized (lock) {
            // Under the lock that runTask holds while it moves a finished attempt from running to unacked.
            finished = unacked.containsKey(key);
            stillRunning = !finished && running.putIfAbsent(key, runningTask) != null;
        }
        if (finished) {
            // The same attempt again after it ran here: the coordinator lost the acceptance with a session, and
            // the completion, which goes out (again) on this session, answers it. Running it again would not.
            LOG.fine(() -> "already ran " + key + "; its completion answers the assignment");
            return;
        }
        enqueue(new Outbound(Frames.encode("task_accepted", taskRef(task.taskId(), task.attempt())), null, false));
        if (stillRunning) {
            // The same attempt again while it runs (e.g. re-sent after a reconnect): accepted again, but run once.
            return;
        }
        try {
            runningTask.attach(taskPool.submit(() -> runTask(runningTask)));
        } catch (RejectedExecutionException e) {
            running.remove(key, runningTask);
        }
    }

    private void onCancel(Map<String, Object> payload) {
        String taskId = Frames.requireString(payload, "task_id");
        // Without an attempt the cancel is about whatever attempt of the task this bot holds.
        int attempt = Frames.intOr(payload, "attempt", -1);
        String reason = Frames.stringOr(payload, "reason", null);
        List<TaskKey> cancelled = new ArrayList<>();
        synchronized (lock) {
            // Under the lock, like runTask's hand-over of its report, so that exactly one of the two wins.
            for (RunningTask runningTask : running.values()) {
                if (runningTask.key.matches(taskId, attempt) && running.remove(runningTask.key, runningTask)) {
                    runningTask.cancel();
                    cancelled.add(runningTask.key);
                }
            }
            // A report the handler already queued is moot now: the coordinator would only reject it.
            for (Iterator<Outbound> it = pending.iterator(); it.hasNext();) {
                Outbound outbound = it.next();
                if (outbound.completionOf != null && outbound.completionOf.matches(taskId, attempt)) {
                    it.remove();
                    cancelled.add(outbound.completionOf);
                }
            }
            unacked.keySet().removeIf(key -> key.matches(taskId, attempt));
        }
        for (TaskKey key : cancelled) {
            LOG.info(() -> "cancelled " + key + (reason == null ? "" : ": " + reason));
            safely(() -> listener.onCancelled(key.taskId(), key.attempt(), reason));
        }
    }

    private void onTaskAck(Map<String, Object> payload) {
        String taskId = Frames.requireString(payload, "task_id");
        int attempt = Frames.intOr(payload, "attempt", -1);
        String status = Frames.stringOr(payload, "status", null);
        // Acks arrive for task_accepted and task_progress too; only a terminal status answers task_complete.
        if (status == null || status.equals("assigned") || status.equals("in_progress")) {
            return;
        }
        synchronized (lock) {
            // Not only once `written`: the ack can overtake the completion of our own sendText future.
            unacked.keySet().removeIf(key -> key.matches(taskId, attempt));
        }
    }

    private void onSlotsAck(Connection connection, Map<String, Object> payload) {
        ConnectedInfo latest = info;
        if (latest != null) {
            info = latest.withSlots(Frames.intOr(payload, "slots", latest.slots()));
        }
        connection.slotsSettled.complete(null);
    }

    private void onError(Connection connection, Map<String, Object> payload) {
        String code = Frames.stringOr(payload, "code", null);
        String message = Frames.stringOr(payload, "message", null);
        String taskId = Frames.stringOr(payload, "task_id", null);
        LOG.info(() -> "coordinator error " + code + ": " + message + (taskId == null ? "" : " (task " + taskId + ")"));
        if (taskId != null) {
            synchronized (lock) {
                // The coordinator rejected a report about this task; re-sending it after a reconnect would not help.
                unacked.keySet().removeIf(key -> key.taskId().equals(taskId));
            }
        } else {
            // Most likely the answer to our slots frame; either way do not hold start() up.
            connection.slotsSettled.complete(null);
        }
        safely(() -> listener.onServerError(code, message, taskId));
    }

    // ---- tasks ----

    private void runTask(RunningTask runningTask) {
        AssignedTask task = runningTask.task;
        long startedAt = System.nanoTime();
        Map<String, Object> result = null;
        String error = null;
        String errorCode = null;
        try {
            result = handler.handle(task);
        } catch (Throwable e) {
            // Anything the handler throws, Errors included, fails the task rather than leaving it to its lease.
            error = describe(e);
            errorCode = e instanceof TaskFailure failure ? failure.code() : null;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        boolean success = error == null;
        Map<String, Object> payload = taskRef(task.taskId(), task.attempt());
        payload.put("success", success);
        if (success) {
            payload.put("result", result == null ? Map.of() : result);
        } else {
            payload.put("error", error);
            if (errorCode != null) {
                payload.put("error_code", errorCode);
            }
        }
        Outbound report;
        try {
            report = new Outbound(Frames.encode("task_complete", payload), runningTask.key, false);
        } catch (IllegalArgumentException e) {
            // The handler returned something Jackson cannot write; the task failed as far as anyone can tell.
            payload.remove("result");
            payload.put("success", false);
            payload.put("error", "result is not JSON-serializable: " + e.getMessage());
            success = false;
            report = new Outbound(Frames.encode("task_complete", payload), runningTask.key, false);
        }
        Connection connection;
        synchronized (lock) {
            // Checked under the lock that onCancel holds, so a cancel either wins here or finds the queued report.
            if (!running.remove(runningTask.key, runningTask) || closed) {
                // Cancelled (or the client closed) while it ran: the coordinator wants no report for it.
                return;
            }
            unacked.put(runningTask.key, report);
            pending.addLast(report);
            connection = current;
        }
        long tookMs = (System.nanoTime() - startedAt) / 1_000_000;
        boolean succeeded = success;
        LOG.fine(() -> "finished " + runningTask.key + " in " + tookMs + " ms, success=" + succeeded);
        safely(() -> listener.onCompleted(task.taskId(), task.attempt(), succeeded));
        pump(connection);
    }

    private void renewLeases(Connection connection) {
        for (TaskKey key : running.keySet()) {
            sendDroppable(connection, Frames.encode("task_progress", taskRef(key.taskId(), key.attempt())));
        }
    }

    // ---- outbound ----

    private CompletableFuture<Void> enqueue(Outbound outbound) {
        Connection connection;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new BotConnectException("client is closed", -1, null));
            }
            pending.addLast(outbound);
            connection = current;
        }
        pump(connection);
        return outbound.done;
    }

    private String heartbeatFrame() {
        List<Map<String, Object>> held = new ArrayList<>();
        for (TaskKey key : running.keySet()) {
            held.add(Map.of("task_id", key.taskId(), "attempt", key.attempt()));
        }
        return Frames.encode("heartbeat", Map.of("running", held));
    }

    /** Queues a frame only worth sending on this very session (heartbeats, automatic lease renewal). */
    private void sendDroppable(Connection connection, String text) {
        synchronized (lock) {
            if (closed || current != connection || !connection.ready) {
                return;
            }
            pending.addLast(new Outbound(text, null, true));
        }
        pump(connection);
    }

    /**
     * Sends queued frames one after another on {@code connection} while it is ready. A send that completes at once
     * loops here instead of recursing, so a long queue cannot exhaust the stack.
     */
    private void pump(Connection connection) {
        while (connection != null) {
            Outbound next;
            WebSocket socket;
            synchronized (lock) {
                if (closed || current != connection || !connection.ready || connection.sending
                        || connection.ended.isDone() || pending.isEmpty()) {
                    return;
                }
                next = pending.pollFirst();
                connection.sending = true;
                socket = connection.socket;
            }
            CompletableFuture<WebSocket> sent;
            try {
                sent = socket.sendText(next.text, true);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            if (!sent.isDone()) {
                sent.whenComplete((ignored, error) -> {
                    if (afterSend(connection, next, error)) {
                        pump(connection);
                    }
                });
                return;
            }
            Throwable error = null;
            try {
                sent.join();
            } catch (CompletionException | CancellationException e) {
                error = e;
            }
            if (!afterSend(connection, next, error)) {
                return;
            }
        }
    }

    /** Books one finished send; returns whether to go on sending. */
    private boolean afterSend(Connection connection, Outbound outbound, Throwable error) {
        boolean closeNow;
        synchronized (lock) {
            connection.sending = false;
            if (error == null) {
                outbound.written = true;
            } else if (!outbound.droppable) {
                // Back to the front: it goes out first on the next session.
                pending.addFirst(outbound);
            }
            closeNow = connection.closeRequested;
            connection.closeRequested = false;
        }
        if (error == null) {
            LOG.finest(() -> "sent " + outbound.text);
            outbound.done.complete(null);
        } else if (outbound.droppable) {
            outbound.done.completeExceptionally(error);
        }
        if (closeNow) {
            sendClose(connection);
            return false;
        }
        if (error != null) {
            LOG.info("send failed, dropping the session: " + describe(unwrap(error)));
            connection.socket.abort();
            ended(connection, ABNORMAL_CLOSURE, "send failed: " + describe(unwrap(error)));
            return false;
        }
        return true;
    }

    private void sendClose(Connection connection) {
        try {
            connection.socket.sendClose(NORMAL_CLOSURE, "bot closing");
        } catch (RuntimeException e) {
            connection.socket.abort();
        }
    }

    // ---- helpers ----

    private void scheduleRepeating(Connection connection, Runnable action, Duration every) {
        try {
            connection.timers.add(scheduler.scheduleAtFixedRate(() -> {
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

    private void schedule(Connection connection, Runnable action, Duration after) {
        try {
            ScheduledFuture<?> timer = scheduler.schedule(action, after.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (lock) {
                connection.timers.add(timer);
            }
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    private static Map<String, Object> taskRef(String taskId, int attempt) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task_id", Objects.requireNonNull(taskId, "taskId"));
        payload.put("attempt", attempt);
        return payload;
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
    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getName() : message;
    }

    private void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "bot listener failed", e);
        }
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

    /** One task attempt. */
    record TaskKey(String taskId, int attempt) {

        /** Whether this is {@code taskId}'s attempt {@code attempt}, or any of its attempts when that is -1. */
        boolean matches(String otherTaskId, int otherAttempt) {
            return taskId.equals(otherTaskId) && (otherAttempt < 0 || attempt == otherAttempt);
        }

        @Override
        public String toString() {
            return taskId + "#" + attempt;
        }
    }

    /** A frame on its way out. */
    private static final class Outbound {
        final String text;
        /** The attempt this {@code task_complete} reports on; null for other frames. */
        final TaskKey completionOf;
        /** Dropped rather than kept when its session ends. */
        final boolean droppable;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Handed to a socket at least once since last queued. Guarded by the client's lock. */
        boolean written;

        Outbound(String text, TaskKey completionOf, boolean droppable) {
            this.text = text;
            this.completionOf = completionOf;
            this.droppable = droppable;
        }
    }

    /** An assigned task this client holds, and the handle to interrupt its handler. */
    private static final class RunningTask {
        final TaskKey key;
        final AssignedTask task;
        private volatile Future<?> future;
        private volatile boolean cancelled;

        RunningTask(TaskKey key, AssignedTask task) {
            this.key = key;
            this.task = task;
        }

        // cancel() and attach() each write their field before reading the other's, so whichever runs second sees
        // both and the future is cancelled even when the cancel arrives before submit() returned.
        void attach(Future<?> submitted) {
            future = submitted;
            if (cancelled) {
                submitted.cancel(true);
            }
        }

        void cancel() {
            cancelled = true;
            Future<?> submitted = future;
            if (submitted != null) {
                submitted.cancel(true);
            }
        }
    }

    /** One WebSocket session and its receiving side. The listener methods run one at a time, per the JDK. */
    private final class Connection implements WebSocket.Listener {
        final long id;
        /** Completes when the session is over; set once. */
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        /** Completes when the coordinator has this client's slots (or there was nothing to change). */
        final CompletableFuture<Void> slotsSettled = new CompletableFuture<>();
        /** Guarded by the client's lock. */
        final List<ScheduledFuture<?>> timers = new ArrayList<>();
        /** Only touched by the listener methods. */
        private final StringBuilder partial = new StringBuilder();
        /** Set in onOpen. Guarded by the client's lock. */
        volatile WebSocket socket;
        /** The {@code connected} frame arrived. Guarded by the client's lock. */
        boolean ready;
        /** A sendText is outstanding. Guarded by the client's lock. */
        boolean sending;
        /** close() is waiting for the outstanding send to finish. Guarded by the client's lock. */
        boolean closeRequested;
        /** When the last message (or piece, ping, pong) arrived, from System.nanoTime(). */
        volatile long lastInbound = System.nanoTime();

        Connection(long id) {
            this.id = id;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            boolean abort;
            synchronized (lock) {
                socket = webSocket;
                abort = closed || current != this;
            }
            if (abort) {
                webSocket.abort();
                ended(this, NORMAL_CLOSURE, "closed by client");
                return;
            }
            // A server that upgrades but never says `connected` would otherwise hold the client forever.
            schedule(this, () -> {
                boolean stuck;
                synchronized (lock) {
                    stuck = !ready && !ended.isDone();
                }
                if (stuck) {
                    webSocket.abort();
                    ended(this, ABNORMAL_CLOSURE, "no 'connected' frame within " + connectTimeout);
                }
            }, connectTimeout);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            lastInbound = System.nanoTime();
            // A message may come in pieces; only a whole one is a frame.
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onFrame(this, text);
            }
            // Ask for the next message only now: flow control keeps a slow client from buffering without bound.
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            // The JDK answers the ping itself; it only counts as a sign of life here.
            lastInbound = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            lastInbound = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            // Not part of the protocol; read past it.
            lastInbound = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended(this, statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended(this, ABNORMAL_CLOSURE, describe(error));
        }

        @Override
        public String toString() {
            return "session " + id;
        }
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
