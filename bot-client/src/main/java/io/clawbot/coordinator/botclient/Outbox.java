package io.clawbot.coordinator.botclient;

import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;

/**
 * The frames on their way to the coordinator, in send order, and the completions it has not acknowledged yet.
 * {@code java.net.http.WebSocket} allows one outstanding {@code sendText} at a time, so frames go out one after
 * another on the current session ({@link #pump}); frames queued while disconnected wait for the next session. A
 * completion stays known until a terminal {@code task_ack} answers it, and goes out again on a new session if the
 * old one took it with it.
 *
 * <p>
 * Its state is guarded by the client's lock, shared with the rest of the client: methods whose name says "locked"
 * expect the caller to hold it.
 */
final class Outbox {

    private static final Logger LOG = Logger.getLogger(BotClient.class.getName());
    private static final int NORMAL_CLOSURE = 1000;

    /** What the outbox needs to know of the client's sessions. */
    interface Gate {

        /** Whether frames may go out on {@code session} now; called holding the lock. */
        boolean mayWrite(Session session);

        /** A send on {@code session} failed: the session is dropped. */
        void sendFailed(Session session, Throwable error);
    }

    private final Object lock;
    private final Gate gate;
    private final Deque<Outbound> pending = new ArrayDeque<>();
    /** {@code task_complete} reports not yet answered by a terminal {@code task_ack}. */
    private final Map<TaskKey, Outbound> unacked = new LinkedHashMap<>();

    Outbox(Object lock, Gate gate) {
        this.lock = lock;
        this.gate = gate;
    }

    /** Queues a frame at the end. */
    void addLocked(Outbound outbound) {
        pending.addLast(outbound);
    }

    /** Queues a completion at the end, and keeps it until the coordinator acknowledges it. */
    void addCompletionLocked(Outbound report) {
        unacked.put(report.completionOf, report);
        pending.addLast(report);
    }

    /** Whether a completion of this attempt was made here and not yet acknowledged. */
    boolean hasCompletionLocked(TaskKey key) {
        return unacked.containsKey(key);
    }

    int sizeLocked() {
        return pending.size();
    }

    /**
     * Orders the queue for a session that just became ready: {@code first} (the slots frame, if any), then the
     * completions a lost session never had acknowledged, then what queued meanwhile.
     */
    void prepareForSessionLocked(Outbound first) {
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
        if (first != null) {
            pending.addFirst(first);
        }
    }

    /** Heartbeats and automatic progress are only worth sending on the session they were made for. */
    void dropDroppablesLocked() {
        pending.removeIf(outbound -> outbound.droppable);
    }

    /** Empties the queue and forgets every completion (the client stops); the frames that were waiting. */
    List<Outbound> clearLocked() {
        List<Outbound> dropped = new ArrayList<>(pending);
        pending.clear();
        unacked.clear();
        return dropped;
    }

    /**
     * The coordinator cancelled {@code taskId} (at {@code attempt}, or any when -1): its queued report is moot.
     *
     * @return the attempts whose queued report was dropped
     */
    List<TaskKey> dropCompletionsLocked(String taskId, int attempt) {
        List<TaskKey> dropped = new ArrayList<>();
        for (Iterator<Outbound> it = pending.iterator(); it.hasNext();) {
            Outbound outbound = it.next();
            if (outbound.completionOf != null && outbound.completionOf.matches(taskId, attempt)) {
                it.remove();
                dropped.add(outbound.completionOf);
            }
        }
        unacked.keySet().removeIf(key -> key.matches(taskId, attempt));
        return dropped;
    }

    /**
     * Queues again the completions of {@code taskId} that were written and not acknowledged: the coordinator could
     * not take them just now.
     *
     * @return whether there was any
     */
    boolean resendLocked(String taskId) {
        boolean any = false;
        for (Outbound outbound : unacked.values()) {
            if (outbound.written && outbound.completionOf.matches(taskId, -1)) {
                outbound.written = false;
                pending.addLast(outbound);
                any = true;
            }
        }
        return any;
    }

    /** A terminal {@code task_ack} (or an {@code error} about the task) answered its completions. */
    void answered(String taskId, int attempt) {
        synchronized (lock) {
            // Not only once `written`: the ack can overtake the completion of our own sendText future.
            unacked.keySet().removeIf(key -> key.matches(taskId, attempt));
        }
    }

    /**
     * Sends queued frames one after another on {@code session} while it may be written to. A send that completes at
     * once loops here instead of recursing, so a long queue cannot exhaust the stack.
     */
    void pump(Session session) {
        while (session != null) {
            Outbound next;
            WebSocket socket;
            synchronized (lock) {
                if (!gate.mayWrite(session) || session.sending || pending.isEmpty()) {
                    return;
                }
                next = pending.pollFirst();
                session.sending = true;
                socket = session.socket;
            }
            CompletableFuture<WebSocket> sent;
            try {
                sent = socket.sendText(next.text, true);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            if (!sent.isDone()) {
                sent.whenComplete((ignored, error) -> {
                    if (afterSend(session, next, error)) {
                        pump(session);
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
            if (!afterSend(session, next, error)) {
                return;
            }
        }
    }

    /** Books one finished send; returns whether to go on sending. */
    private boolean afterSend(Session session, Outbound outbound, Throwable error) {
        boolean closeNow;
        synchronized (lock) {
            session.sending = false;
            if (error == null) {
                outbound.written = true;
            } else if (!outbound.droppable) {
                // Back to the front: it goes out first on the next session.
                pending.addFirst(outbound);
            }
            closeNow = session.closeRequested;
            session.closeRequested = false;
        }
        if (error == null) {
            LOG.finest(() -> "sent " + outbound.text);
            outbound.done.complete(null);
        } else if (outbound.droppable) {
            outbound.done.completeExceptionally(error);
        }
        if (closeNow) {
            sendClose(session);
            return false;
        }
        if (error != null) {
            gate.sendFailed(session, error);
            return false;
        }
        return true;
    }

    /**
     * Closes {@code session} with 1000 now, or, while a send is outstanding (the JDK allows one at a time), right
     * after it; called holding the lock.
     */
    void closeLocked(Session session) {
        if (session.sending) {
            session.closeRequested = true;
        } else {
            sendClose(session);
        }
    }

    private static void sendClose(Session session) {
        try {
            session.socket.sendClose(NORMAL_CLOSURE, "bot closing");
        } catch (RuntimeException e) {
            session.socket.abort();
        }
    }
}
