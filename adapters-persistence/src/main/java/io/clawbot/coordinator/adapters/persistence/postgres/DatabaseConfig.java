package io.clawbot.coordinator.adapters.persistence.postgres;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the reactive pool behaves when PostgreSQL is slow: requests wait a bounded time for a connection and a
 * statement runs a bounded time, so that a stalled database answers 503 rather than holding requests open.
 */
@ConfigMapping(prefix = "coordinator.database")
public interface DatabaseConfig {

    /**
     * How long a request waits for one of the pool's connections ({@code quarkus.datasource.reactive.max-size});
     * past it the request fails as unavailable (503 with Retry-After).
     */
    @WithDefault("5s")
    Duration acquireTimeout();

    /** Requests that may wait for a connection at once; one more fails at once as unavailable. */
    @WithDefault("2000")
    int maxWaiting();

    /**
     * The longest any of the service's statements may run (PostgreSQL's {@code statement_timeout}, set on each of
     * the pool's connections); one that runs longer is cancelled and its request fails as unavailable. Flyway's
     * migrations at start-up are not bound by it.
     */
    @WithDefault("30s")
    Duration statementTimeout();
}
