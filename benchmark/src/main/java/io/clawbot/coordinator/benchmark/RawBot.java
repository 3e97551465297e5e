package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A bot that speaks the protocol frame by frame, without the SDK's manners: it sends what it is told, sends no
 * heartbeat unless told, and can stop reading its socket altogether (the frames the coordinator sends then wait in
 * the network's buffers) and start again. The faults a well-behaved bot never shows are played with it.
 */
final class RawBot implements AutoCloseable {

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile boolean reading = true;
    private WebSocket socket;

    private RawBot() {
    }

    static RawBot connect(URI control, String token) throws Exception {
        RawBot bot = new RawBot();
        bot.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + token).connectTimeout(Duration.ofSeconds(5))
                .buildAsync(control, bot.new Listener()).get(10, TimeUnit.SECONDS);
        bot.next("connected", Duration.ofSeconds(10));
        return bot;
    }

    void send(String type, Map<String, Object> payload) throws Exception {
        socket.sendText(Api.JSON.writeValueAsString(Map.of("type", type, "payload", payload)), true)
                .get(10, TimeUnit.SECONDS);
    }

    /** Stops reading the socket: nothing more is taken from it until {@link #read()}. */
    void stopReading() {
        reading = false;
    }

    /** Takes one more frame off the socket while not reading: a bot that reads, but slowly. */
    void readOne() {
        socket.request(1);
    }

    /** The close code the coordinator ended the socket with, or -1 while it is open. */
    int closeCode() {
        return closed.getNow(-1);
    }

    /** Reads the socket again, from the frames that waited. */
    void read() {
        reading = true;
        socket.request(1);
    }

    /** The next frame of this type (others are passed over), or an error if none comes in time. */
    JsonNode next(String type, Duration within) throws InterruptedException {
        return next(frame -> type.equals(frame.path("type").asText()), within, type);
    }

    JsonNode next(Predicate<JsonNode> wanted, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = frames.poll(100, TimeUnit.MILLISECONDS);
            if (frame != null && wanted.test(frame)) {
                return frame;
            }
            if (frame == null && closed.isDone()) {
                break;
            }
        }
        throw new IllegalStateException("no " + what + " frame within " + within.toSeconds() + " s"
                + (closed.isDone() ? " (the socket closed with " + closed.join() + ")" : ""));
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    frames.add(Api.JSON.readTree(text.toString()));
                } catch (Exception e) {
                    frames.add(Api.JSON.createObjectNode().put("type", "unreadable"));
                }
                text.setLength(0);
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(1006);
        }
    }
}
