package io.clawbot.coordinator.botclient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The tasks this client holds: each assignment accepted and run once on one of {@code slots} threads by the
 * {@link TaskHandler}, its outcome queued as {@code task_complete}; a cancel interrupts the handler and drops
 * what it would report. An attempt that already ran here is not run again when it is assigned again (the
 * coordinator lost the acceptance with a session): the completion, which goes out again, answers it.
 *
 * <p>
 * Hand-overs between the task threads and the client (a finished attempt's report, a cancel) happen under the
 * client's lock, so that exactly one of a cancel and a report wins.
 */
final class TaskRunner {

    private static final Logger LOG = Logger.getLogger(BotClient.class.getName());

    /** What the runner needs of the client. */
    interface Client {

        /** Whether the client is closed; called holding the lock. */
        boolean isClosedLocked();

        /** Queues a frame for the coordinator and sends it when it can. */
        CompletableFuture<Void> send(Outbound outbound);

        /** Sends what is queued on the current session, if there is one. */
        void flush();
    }

    private final Object lock;
    private final Outbox outbox;
    private final Client client;
    private final TaskHandler handler;
    private final BotListener listener;
    private final ThreadPoolExecutor pool;
    private final RunSpans spans;
    private final Map<TaskKey, RunningTask> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final Duration acceptDelay;

    /**
     * @param timers where an acceptance waits for {@code acceptDelay}
     * @param acceptDelay how long a run may take before it is accepted; a run that ends sooner is accepted by its
     *        completion
     */
    TaskRunner(Object lock, Outbox outbox, Client client, TaskHandler handler, BotListener listener,
            ThreadPoolExecutor pool, RunSpans spans, ScheduledExecutorService timers, Duration acceptDelay) {
        this.timers = timers;
        this.acceptDelay = acceptDelay;
        this.spans = spans;
        this.lock = lock;
        this.outbox = outbox;
        this.client = client;
        this.handler = handler;
        this.listener = listener;
        this.pool = pool;
    }

    /** How many assigned tasks this client holds: running, or queued for a free slot. */
    int count() {
        return running.size();
    }

    /** The attempts this client holds, as a heartbeat names them. */
    List<Map<String, Object>> held() {
        List<Map<String, Object>> held = new ArrayList<>();
        for (TaskKey key : running.keySet()) {
            held.add(Map.of("task_id", key.taskId(), "attempt", key.attempt()));
        }
        return held;
    }

    /** The attempts this client holds. */
    List<TaskKey> keys() {
        return List.copyOf(running.keySet());
    }

    void assigned(AssignedTask task) {
        TaskKey key = new TaskKey(task.taskId(), task.attempt());
        listener.onAssigned(task);
        LOG.fine(() -> "assigned " + key);
        RunningTask runningTask = new RunningTask(key, task);
        boolean finished;
        boolean stillRunning;
        synchronized (lock) {
            // Under the lock that run holds while it moves a finished attempt from running to the outbox.
            finished = outbox.hasCompletionLocked(key);
            stillRunning = !finished && running.putIfAbsent(key, runningTask) != null;
        }
        if (finished) {
            // The same attempt again after it ran here: the coordinator lost the acceptance with a session, and
            // the completion, which goes out (again) on this session, answers it. Running it again would not.
            LOG.fine(() -> "already ran " + key + "; its completion answers the assignment");
            return;
        }
        if (stillRunning || acceptDelay.isZero()) {
            accept(task);
        } else {
            // Accepted only if it still runs then; a run that ends sooner is accepted by its completion.
            timers.schedule(() -> {
                synchronized (lock) {
                    if (running.get(key) != runningTask) {
                        return;
                    }
                }
                accept(task);
            }, acceptDelay.toNanos(), TimeUnit.NANOSECONDS);
        }
        if (stillRunning) {
            // The same attempt again while it runs (e.g. re-sent after a reconnect): accepted again, but run once.
            return;
        }
        try {
            runningTask.attach(pool.submit(() -> run(runningTask)));
        } catch (RejectedExecutionException e) {
            running.remove(key, runningTask);
        }
    }

    private void accept(AssignedTask task) {
        client.send(new Outbound(Frames.encode("task_accepted", taskRef(task.taskId(), task.attempt())), null,
                false));
    }

    /** The coordinator cancelled {@code taskId} (at {@code attempt}, or any when -1). */
    void cancelled(String taskId, int attempt, String reason) {
        List<TaskKey> cancelled = new ArrayList<>();
        synchronized (lock) {
            // Under the lock, like run's hand-over of its report, so that exactly one of the two wins.
            for (RunningTask runningTask : running.values()) {
                if (runningTask.key.matches(taskId, attempt) && running.remove(runningTask.key, runningTask)) {
                    runningTask.cancel();
                    cancelled.add(runningTask.key);
                }
            }
            // A report the handler already queued is moot now: the coordinator would only reject it.
            cancelled.addAll(outbox.dropCompletionsLocked(taskId, attempt));
        }
        for (TaskKey key : cancelled) {
            LOG.info(() -> "cancelled " + key + (reason == null ? "" : ": " + reason));
            listener.onCancelled(key.taskId(), key.attempt(), reason);
        }
    }

    /** Interrupts every handler and stops the task threads (the client stops). */
    void stop() {
        running.values().forEach(RunningTask::cancel);
        running.clear();
        pool.shutdownNow();
    }

    private void run(RunningTask runningTask) {
        AssignedTask task = runningTask.task;
        long startedAt = System.nanoTime();
        Map<String, Object> result = null;
        String error = null;
        String errorCode = null;
        RunSpans.Run span = spans.start(task);
        try (var scope = span.makeCurrent()) {
            result = handler.handle(task);
        } catch (Throwable e) {
            span.failed(e);
            // Anything the handler throws, Errors included, fails the task rather than leaving it to its lease.
            error = BotClient.describe(e);
            errorCode = e instanceof TaskFailure failure ? failure.code() : null;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        span.end();
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
        synchronized (lock) {
            // Checked under the lock that cancelled holds, so a cancel either wins here or finds the queued report.
            if (!running.remove(runningTask.key, runningTask) || client.isClosedLocked()) {
                // Cancelled (or the client closed) while it ran: the coordinator wants no report for it.
                return;
            }
            outbox.addCompletionLocked(report);
        }
        long tookMs = (System.nanoTime() - startedAt) / 1_000_000;
        boolean succeeded = success;
        LOG.fine(() -> "finished " + runningTask.key + " in " + tookMs + " ms, success=" + succeeded);
        listener.onCompleted(task.taskId(), task.attempt(), succeeded);
        client.flush();
    }

    static Map<String, Object> taskRef(String taskId, int attempt) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task_id", Objects.requireNonNull(taskId, "taskId"));
        payload.put("attempt", attempt);
        return payload;
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
}
