package io.clawbot.coordinator.adapters.ws;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the bot WebSocket channel, per connection. */
@ConfigMapping(prefix = "coordinator.channel")
public interface ChannelConfig {

    /** Largest inbound frame accepted, in bytes; a larger one is answered with a {@code frame_too_large} error. */
    @WithDefault("1048576")
    int maxFrameBytes();

    /** Sustained inbound frames per second a bot may send; beyond it frames get a {@code rate_limited} error. */
    @WithDefault("200")
    int framesPerSecond();

    /** Frames a bot may send in a burst above the sustained rate. */
    @WithDefault("400")
    int frameBurst();

    /** Error frames within {@link #abuseWindowSeconds()} after which the socket is closed with 1008. */
    @WithDefault("50")
    int maxErrors();

    /** The window over which error frames are counted. */
    @WithDefault("10")
    int abuseWindowSeconds();

    /**
     * Outbound frames that may wait for a slow bot's socket; past this the bot is disconnected (1008) so that
     * it cannot hold memory or hold up others. Its tasks return to pending when their leases lapse.
     */
    @WithDefault("1000")
    int maxPendingSends();

    /**
     * Bytes of outbound frames that may wait for a slow bot's socket (beyond what the operating system's buffers
     * hold); past this the bot is disconnected (1008) like past {@link #maxPendingSends()}: a few large
     * assignments must not hold as much memory as a thousand small ones.
     */
    @WithDefault("16777216")
    long maxPendingBytes();
}
