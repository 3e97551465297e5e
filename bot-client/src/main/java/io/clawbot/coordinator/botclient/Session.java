package io.clawbot.coordinator.botclient;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;

/**
 * One WebSocket session: its state, and the JDK's listener calls, which it turns into whole frames for the client.
 * The listener methods run one at a time, per the JDK; it asks for the next message only once it handled one, so
 * flow control keeps a slow client from buffering without bound. Every message, ping or pong counts as a sign of
 * life ({@link #lastInbound}).
 */
final class Session implements WebSocket.Listener {

    /** What the client does with the session's events. */
    interface Events {

        /** The socket opened; {@code false} when the session is no longer wanted (the socket is then aborted). */
        boolean opened(Session session, WebSocket socket);

        /** A whole text message arrived. */
        void frame(Session session, String text);

        /** The session ended, by either side ({@code statusCode} is the close code) or broken (1006). */
        void ended(Session session, int statusCode, String reason);
    }

    static final int ABNORMAL_CLOSURE = 1006;

    final long id;
    /** Completes when the session is over; set once. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** Completes when the coordinator has this client's slots (or there was nothing to change). */
    final CompletableFuture<Void> slotsSettled = new CompletableFuture<>();
    /** Guarded by the client's lock. */
    final List<ScheduledFuture<?>> timers = new ArrayList<>();
    /** Set in onOpen. */
    volatile WebSocket socket;
    /** The {@code connected} frame arrived. Guarded by the client's lock. */
    boolean ready;
    /** A sendText is outstanding. Guarded by the client's lock. */
    boolean sending;
    /** close() is waiting for the outstanding send to finish. Guarded by the client's lock. */
    boolean closeRequested;
    /** When the last message (or piece, ping, pong) arrived, from System.nanoTime(). */
    volatile long lastInbound = System.nanoTime();

    private final Events events;
    /** Only touched by the listener methods. */
    private final StringBuilder partial = new StringBuilder();

    Session(long id, Events events) {
        this.id = id;
        this.events = events;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (events.opened(this, webSocket)) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        lastInbound = System.nanoTime();
        // A message may come in pieces; only a whole one is a frame.
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            events.frame(this, text);
        }
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
        events.ended(this, statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.ended(this, ABNORMAL_CLOSURE, BotClient.describe(error));
    }

    @Override
    public String toString() {
        return "session " + id;
    }
}
