package io.clawbot.coordinator.domain.common.port;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * Token buckets shared by every replica: each key has a bucket of {@code capacity} tokens that refills at
 * {@code perSecond}; taking a token when none is left is refused, with how long until one is back.
 */
public interface RateLimiter {

    /** A bucket's shape. */
    record Limit(int capacity, double perSecond) {

        public Limit {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1");
            }
            if (!(perSecond > 0)) {
                throw new IllegalArgumentException("perSecond must be positive");
            }
        }
    }

    /**
     * The answer for one token.
     *
     * @param retryAfter when refused, how long until a token is back; zero when allowed
     */
    record Decision(boolean allowed, int remaining, Duration retryAfter) {
    }

    /** Takes a token from {@code key}'s bucket if one is left. */
    Uni<Decision> tryAcquire(String key, Limit limit);
}
