package io.clawbot.coordinator.benchmark;

import io.clawbot.coordinator.embedded.EmbeddedRedis;
import io.clawbot.coordinator.embedded.FreePort;

/**
 * The check's Redis, which it stops and starts again on the same port to play an outage: the replicas keep their
 * Redis address and find it back once the server is up.
 */
final class StoppableRedis implements AutoCloseable {

    private final int port = FreePort.find();
    private EmbeddedRedis server = EmbeddedRedis.start(port);

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

    @Override
    public void close() {
        if (server != null) {
            stop();
        }
    }
}
