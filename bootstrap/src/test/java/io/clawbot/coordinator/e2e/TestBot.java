package io.clawbot.coordinator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bot at the frame level, over a real WebSocket: it sends exactly what a test says (including garbage) and
 * records every frame it receives, so tests can check the protocol itself.
 */
final class TestBot implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(10);
    /** The threads of {@link #work}: daemons, so that a test's unfinished work never holds the JVM. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-bot-work");
        thread.setDaemon(true);
        return thread;
    });

    record Frame(String type, Map<String, Object> payload) {
    }

    final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();

    private TestBot(URI uri, String header) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5));
        if (header != null) {
            builder.header("Authorization", header);
        }
        this.socket = builder.buildAsync(uri, new Listener()).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /**
     * A bot client that never asks for a frame: its socket's buffers fill up and stay full, and what the coordinator
     * sends it waits. It can still send.
     */
    static WebSocket deaf(String token) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(uri(null), new WebSocket.Listener() {
                    @Override
                    public void onOpen(WebSocket webSocket) {
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    static URI uri(String query) {
        String port = System.getProperty("quarkus.http.test-port", "8081");
        return URI.create("ws://localhost:" + port + "/api/v1/ws/control" + (query == null ? "" : "?" + query));
    }

    /** Connects with a bearer token and waits for the {@code connected} frame. */
    static TestBot connect(String token) {
        TestBot bot = new TestBot(uri(null), "Bearer " + token);
        assertThat(bot.next("connected").payload()).containsKey("bot_id");
        return bot;
    }

    /** Connects the raw way; the caller checks the outcome. */
    static TestBot open(URI uri, String authorization) {
        return new TestBot(uri, authorization);
    }

    void send(String type, Map<String, Object> payload) {
        try {
            sendRaw(JSON.writeValueAsString(Map.of("type", type, "payload", payload)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void sendRaw(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    void sendBinary(byte[] data) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** The next frame, skipping heartbeat answers; fails the test after {@link #WAIT}. */
    Frame next() {
        try {
            while (true) {
                Frame frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(frame).as("a frame within " + WAIT).isNotNull();
                if (!frame.type().equals("heartbeat_ack")) {
                    return frame;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Frame next(String type) {
        Frame frame = next();
        assertThat(frame.type()).as("frame " + frame).isEqualTo(type);
        return frame;
    }

    /**
     * Runs the next {@code count} assignments in the background as a bot does: accepts each, reports progress
     * (50 %, "halfway"), then completes it with {@code {"echo": <its payload>}} or, unless {@code succeed}, fails it
     * with error code {@code bad_input}. Fails (through the future) if a frame is not what the protocol says.
     */
    CompletableFuture<Void> work(int count, boolean succeed) {
        return CompletableFuture.runAsync(() -> {
            for (int i = 0; i < count; i++) {
                Map<String, Object> assigned = next("task_assigned").payload();
                Object id = assigned.get("task_id");
                Object attempt = assigned.get("attempt");
                send("task_accepted", Map.of("task_id", id, "attempt", attempt));
                next("task_ack");
                send("task_progress", Map.of("task_id", id, "attempt", attempt, "progress",
                        Map.of("percent", 50, "message", "halfway")));
                next("task_ack");
                send("task_complete", succeed
                        ? Map.of("task_id", id, "attempt", attempt, "success", true, "result",
                                Map.of("echo", assigned.get("task_payload")))
                        : Map.of("task_id", id, "attempt", attempt, "success", false, "error", "boom",
                                "error_code", "bad_input"));
                next("task_ack");
            }
        }, WORKERS);
    }

    /** Frames received within {@code quiet}, for checking that nothing (more) arrives. */
    List<Frame> drain(Duration quiet) throws InterruptedException {
        List<Frame> out = new ArrayList<>();
        Frame frame;
        while ((frame = frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            out.add(frame);
        }
        return out;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        socket.abort();
    }

    /** Drops the connection without a close handshake, like a crashed bot or a cut network. */
    void cut() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    Map<String, Object> frame = JSON.readValue(partial.toString(), new TypeReference<>() {
                    });
                    @SuppressWarnings("unchecked")
                    Map<String, Object> payload = (Map<String, Object>) frame.get("payload");
                    frames.add(new Frame((String) frame.get("type"), payload));
                } catch (Exception e) {
                    frames.add(new Frame("unparseable", Map.of("text", partial.toString())));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
