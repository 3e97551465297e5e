package io.clawbot.coordinator.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server standing in for Slack's side of replies: {@code chat.postMessage} under {@code /api} and
 * response URLs under {@code /commands}. It records every request, and can be told to fail the next ones with 503
 * as Slack does when it is unwell.
 */
final class SlackStandIn {

    /** One request Slack would have received. */
    record Received(String path, String authorization, String body) {
    }

    /**
     * The port, shared through a system property: the test profile that configures the service and the test that
     * reads what arrived may see this class through different class loaders, but they see one JVM's properties.
     */
    private static final String PORT = "clawbot.test.slack-stand-in.port";

    private static SlackStandIn running;

    private final LinkedBlockingQueue<String[]> received = new LinkedBlockingQueue<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final HttpServer server;

    private SlackStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean fail = failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            received.add(new String[]{ exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), new String(body, StandardCharsets.UTF_8) });
            byte[] answer = (fail ? "{\"ok\":false,\"error\":\"service_unavailable\"}" : "{\"ok\":true}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(fail ? 503 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /**
     * The stand-in of the running test class, started on first use. Each test class that uses it stops it when it
     * is done ({@link #stop}): the next class, loaded anew with its own service, starts its own on the same port.
     */
    static synchronized SlackStandIn get() {
        if (running == null) {
            running = new SlackStandIn();
        }
        return running;
    }

    static synchronized void stop() {
        if (running != null) {
            running.server.stop(0);
            running = null;
        }
    }

    /** The port it listens on, chosen once per JVM. */
    static synchronized int port() {
        String port = System.getProperty(PORT);
        if (port == null) {
            try (ServerSocket socket = new ServerSocket(0)) {
                port = String.valueOf(socket.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.setProperty(PORT, port);
        }
        return Integer.parseInt(port);
    }

    static String base() {
        return "http://127.0.0.1:" + port();
    }

    /** The service's settings that send its replies here (the stand-in itself starts when a test first uses it). */
    static Map<String, String> config() {
        return Map.of("coordinator.hooks.slack.api-base-url", base() + "/api",
                "coordinator.hooks.slack.response-url-hosts", "127.0.0.1");
    }

    /** The next request to reach it within {@code wait}, or {@code null}. */
    Received next(Duration wait) throws InterruptedException {
        String[] r = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        return r == null ? null : new Received(r[0], r[1], r[2]);
    }

    /** Answers the next {@code count} requests with 503. */
    void failNext(int count) {
        failures.set(count);
    }

    void clear() {
        received.clear();
        failures.set(0);
    }
}
