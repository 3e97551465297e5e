package io.clawbot.coordinator.adapters.ws;

/**
 * Per-connection limits on what a bot sends: a token bucket for the frame rate, and a count of recent errors.
 * One instance per connection; inbound frames of a connection are handled one at a time, so it needs no locks.
 */
final class AbuseGuard {

    static final long HEARTBEAT_GAP_NANOS = 1_000_000_000L;

    private final double ratePerNano;
    private final double burst;
    private final int maxErrors;
    private final long windowNanos;

    private double tokens;
    private long lastRefill;
    private int errors;
    private long windowStart;
    private volatile boolean closing;
    /** When a heartbeat was last recorded for this connection; {@code Long.MIN_VALUE} before the first. */
    private long lastHeartbeat = Long.MIN_VALUE;

    AbuseGuard(ChannelConfig config, long now) {
        this.ratePerNano = config.framesPerSecond() / 1e9;
        this.burst = config.frameBurst();
        this.maxErrors = config.maxErrors();
        this.windowNanos = config.abuseWindowSeconds() * 1_000_000_000L;
        this.tokens = burst;
        this.lastRefill = now;
        this.windowStart = now;
    }

    /**
     * Whether a heartbeat received now should be recorded: at most one a second is (each is a write to the
     * database); the others are answered alone. A bot sends one every heartbeat interval (15 s), so only a bot
     * that floods is affected.
     */
    boolean heartbeatDue(long now) {
        if (lastHeartbeat != Long.MIN_VALUE && now - lastHeartbeat < HEARTBEAT_GAP_NANOS) {
            return false;
        }
        lastHeartbeat = now;
        return true;
    }

    /** Takes one frame from the budget; {@code false} when the bot is over its rate. */
    boolean admit(long now) {
        tokens = Math.min(burst, tokens + (now - lastRefill) * ratePerNano);
        lastRefill = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /**
     * Counts an error answered to the bot; {@code true} the first time it crosses the line (close with 1008). From
     * then on the connection is closing and {@link #closing()} says so.
     */
    boolean erred(long now) {
        if (closing) {
            return false;
        }
        if (now - windowStart > windowNanos) {
            windowStart = now;
            errors = 0;
        }
        if (++errors > maxErrors) {
            closing = true;
            return true;
        }
        return false;
    }

    /**
     * Whether the connection is being closed for abuse: frames that were already received are dropped unread,
     * with no answer and no log line, so a flood costs nothing once it has been judged.
     */
    boolean closing() {
        return closing;
    }
}
