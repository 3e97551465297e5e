package io.clawbot.coordinator.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import redis.embedded.RedisServer;

/**
 * A real Redis server from the {@code embedded-redis} artifact's bundled binary, on 127.0.0.1. It keeps nothing
 * on disk: the coordinator holds only hints and presence in Redis, all of which it can lose.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedRedis start(int port) {
        try {
            RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
            return new EmbeddedRedis(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Redis on port " + port, e);
        }
    }

    public int port() {
        return port;
    }

    /** A connection URL in the form that REDIS_URL takes. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
