package io.clawbot.coordinator.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Clients waiting for a task or a workflow ({@code ?wait=}) or following its stream. */
@ConfigMapping(prefix = "coordinator.watch")
public interface WatchConfig {

    /**
     * How often this replica reads what its waiting clients watch (one query for all of them): the longest a
     * change takes to reach a waiting client.
     */
    @WithDefault("200ms")
    Duration interval();

    /** The most clients waiting or following at once on one replica; more get 503 with Retry-After. */
    @WithDefault("10000")
    int maxWatchers();
}
