package io.clawbot.coordinator.benchmark;

import io.clawbot.coordinator.embedded.EmbeddedPostgres;
import io.clawbot.coordinator.embedded.FreePort;
import java.nio.file.Path;

/**
 * The suite's PostgreSQL, which it stops and starts again over the same data on the same port to play an outage:
 * the replicas keep its address and find it back once it is up.
 */
final class StoppablePostgres implements AutoCloseable {

    private final Path data;
    private final int port = FreePort.find();
    private EmbeddedPostgres server;

    StoppablePostgres(Path data, String database) {
        this.data = data;
        this.server = EmbeddedPostgres.start(data, port);
        server.createDatabase(database);
    }

    int port() {
        return port;
    }

    String url(String database) {
        return server.url(database);
    }

    /** Stops the server (fast shutdown: open sessions are ended). */
    void stop() {
        server.close();
        server = null;
    }

    void start() {
        server = EmbeddedPostgres.start(data, port);
    }

    @Override
    public void close() {
        if (server != null) {
            stop();
        }
    }
}
