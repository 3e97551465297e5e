package io.clawbot.coordinator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.adapters.persistence.redis.RedisRateLimiter;
import io.clawbot.coordinator.domain.common.port.RateLimiter.Decision;
import io.clawbot.coordinator.domain.common.port.RateLimiter.Limit;
import io.clawbot.coordinator.domain.common.port.RateLimiter;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The shared token buckets on the real Redis, taken from by two limiter instances as two replicas would. */
@QuarkusTest
class RateLimiterTest {

    @Inject
    RateLimiter replicaA;
    @Inject
    ReactiveRedisDataSource redis;

    private static Decision take(RateLimiter limiter, String key, Limit limit) {
        return limiter.tryAcquire(key, limit).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void replicas_share_one_bucket_per_key() {
        RateLimiter replicaB = new RedisRateLimiter(redis);
        String key = "test:" + UUID.randomUUID();
        Limit limit = new Limit(3, 0.5);

        assertThat(take(replicaA, key, limit).allowed()).isTrue();
        assertThat(take(replicaB, key, limit).allowed()).isTrue();
        Decision last = take(replicaA, key, limit);
        assertThat(last.allowed()).isTrue();
        assertThat(last.remaining()).isZero();

        Decision refused = take(replicaB, key, limit);
        assertThat(refused.allowed()).as("the bucket is shared: B sees A's takes").isFalse();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(take(replicaA, "test:" + UUID.randomUUID(), limit).allowed()).as("another key, another bucket")
                .isTrue();
    }

    @Test
    void a_token_comes_back_after_the_wait_it_announced() throws Exception {
        String key = "test:" + UUID.randomUUID();
        Limit limit = new Limit(1, 5.0);
        assertThat(take(replicaA, key, limit).allowed()).isTrue();
        Decision refused = take(replicaA, key, limit);
        assertThat(refused.allowed()).isFalse();

        Thread.sleep(refused.retryAfter().toMillis() + 50);

        assertThat(take(replicaA, key, limit).allowed()).isTrue();
    }
}
