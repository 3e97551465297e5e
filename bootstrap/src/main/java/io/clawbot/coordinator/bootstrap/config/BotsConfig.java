package io.clawbot.coordinator.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the coordinator judges bots. */
@ConfigMapping(prefix = "coordinator.bots")
public interface BotsConfig {

    /**
     * How long after its last heartbeat a bot stops counting as available (ISO-8601 or {@code 90s} style).
     * Three missed heartbeats at seed 000's 30-second interval.
     */
    @WithDefault("90s")
    Duration staleAfter();

    /**
     * How long a replica gathers the heartbeats of its connected bots before it writes them in one statement: at
     * most one heartbeat write per window per replica, whatever the number of bots. It delays each heartbeat's
     * acknowledgement by up to this much; keep it well under the stale-after time. Zero writes as soon as the
     * previous batch is written.
     */
    @WithDefault("200ms")
    Duration heartbeatWindow();
}
