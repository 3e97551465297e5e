package io.clawbot.coordinator.botclient;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential growth from {@code initial}, capped at {@code max}, with "equal jitter" (a random
 * point in the upper half of the step). The jitter spreads a fleet of bots that lost the same replica so they do
 * not all come back in the same instant; keeping the lower half means a delay never collapses to zero.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;

    Backoff(Duration initial, Duration max) {
        if (initial == null || max == null || initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff must be at least the initial backoff");
        }
        this.initialMillis = initial.toMillis() == 0 ? 1 : initial.toMillis();
        this.maxMillis = Math.max(this.initialMillis, max.toMillis());
    }

    /** The un-jittered delay before reconnect attempt {@code attempt} (0 for the first retry). */
    long ceilingMillis(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0");
        }
        // Past 62 doublings a long overflows; long before that the cap applies anyway.
        if (attempt >= 62 || initialMillis > (maxMillis >> attempt)) {
            return maxMillis;
        }
        return Math.min(maxMillis, initialMillis << attempt);
    }

    /**
     * The delay before reconnect attempt {@code attempt}, for a random number {@code random} in [0, 1): between half
     * the ceiling and the ceiling.
     */
    Duration delay(int attempt, double random) {
        if (random < 0 || random >= 1) {
            throw new IllegalArgumentException("random must be in [0, 1)");
        }
        long ceiling = ceilingMillis(attempt);
        long half = ceiling / 2;
        return Duration.ofMillis(half + (long) ((ceiling - half) * random));
    }

    /** {@link #delay(int, double)} with a fresh random number. */
    Duration delay(int attempt) {
        return delay(attempt, ThreadLocalRandom.current().nextDouble());
    }
}
