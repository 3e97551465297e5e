package io.clawbot.coordinator.bootstrap.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.adapters.persistence.redis.RedisRateLimiter.LocalBucket;
import io.clawbot.coordinator.domain.common.port.RateLimiter.Limit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-replica bucket the rate limiter falls back to without Redis, on a clock the test moves. */
class LocalBucketTest {

    private static final long SECOND = 1_000_000_000L;
    private final Limit limit = new Limit(2, 4.0);

    @Test
    void a_full_bucket_gives_its_capacity_then_refuses_with_the_wait_for_the_next_token() {
        LocalBucket bucket = new LocalBucket();

        assertThat(bucket.take(limit, 0).allowed()).isTrue();
        assertThat(bucket.take(limit, 0).remaining()).isZero();
        var refused = bucket.take(limit, 0);

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void tokens_come_back_at_the_rate_and_never_beyond_the_capacity() {
        LocalBucket bucket = new LocalBucket();
        bucket.take(limit, 0);
        bucket.take(limit, 0);

        assertThat(bucket.take(limit, SECOND / 4).allowed()).as("one token after 250 ms").isTrue();
        assertThat(bucket.take(limit, SECOND / 4).allowed()).isFalse();
        assertThat(bucket.take(limit, 100 * SECOND).remaining()).as("capped at 2, minus the one taken").isEqualTo(1);
    }
}
