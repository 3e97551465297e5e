package io.clawbot.coordinator.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import io.clawbot.coordinator.embedded.EmbeddedRedis;
import io.clawbot.coordinator.embedded.FreePort;

/**
 * The check's Redis, which it stops and starts again on the same port to play an outage (the replicas keep their
 * Redis address and find it back once the server is up), or empties while it runs.
 */
final class StoppableRedis implements AutoCloseable {

    private final int port = FreePort.find();
    private EmbeddedRedis server = EmbeddedRedis.start(port);

    int port() {
        return port;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    void stop() {
        server.close();
        server = null;
    }

    void start() {
        server = EmbeddedRedis.start(port);
    }

    /** Empties Redis as an operator's {@code FLUSHALL} would: presence entries and rate buckets are gone. */
    void flush() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$8\r\nFLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            if (!"+OK".equals(reply)) {
                throw new IOException("FLUSHALL answered " + reply);
            }
        }
    }

    @Override
    public void close() {
        if (server != null) {
            stop();
        }
    }
}
