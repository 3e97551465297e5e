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

    /** How bots are judged by how they work, per task type (docs/dispatch.md, "Bots judged by how they work"). */
    Health health();

    interface Health {

        /** How much each attempt's outcome weighs in a bot's moving average for the type (above 0, at most 1). */
        @WithDefault("0.2")
        double weight();

        /** A failure that brings the average under this quarantines the bot for the type (0 never does). */
        @WithDefault("0.5")
        double threshold();

        /** Outcomes of the type a bot must have, since its first or its last quarantine, before a quarantine. */
        @WithDefault("5")
        int minSamples();

        /** How long a quarantine lasts; an operator may end it sooner. */
        @WithDefault("5m")
        Duration coolDown();

        /** How often a replica folds the outcomes it heard into the shared scores. */
        @WithDefault("500ms")
        Duration flushInterval();

        /** How often a replica reads the quarantines every replica decided. */
        @WithDefault("1s")
        Duration refreshInterval();
    }
}
