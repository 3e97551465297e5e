package io.clawbot.coordinator.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How work reaches bots and how long they may hold it (docs/bot-protocol.md). */
@ConfigMapping(prefix = "coordinator.dispatch")
public interface DispatchConfig {

    /** How often every replica dispatches even without a signal; bounds the delay when a signal is lost. */
    @WithDefault("2s")
    Duration tickInterval();

    /** How often expired leases are looked for. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** Most expired leases released per sweep. */
    @WithDefault("500")
    int sweepBatch();

    /** How long an assignment waits for the bot's {@code task_accepted} before it is offered again. */
    @WithDefault("30s")
    Duration ackTimeout();

    /** How long a running task stays with its bot without progress or heartbeat. */
    @WithDefault("60s")
    Duration lease();

    /** How long a disconnected bot keeps its tasks; reconnecting within it keeps them. */
    @WithDefault("30s")
    Duration reconnectGrace();

    /** The heartbeat interval announced to bots. */
    @WithDefault("15s")
    Duration heartbeatInterval();
}
