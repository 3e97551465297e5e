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

    @Test
    void replicas_racing_on_a_busy_key_take_the_bucket_in_batches_and_never_more_than_it_holds() throws Exception {
        RateLimiter replicaB = new RedisRateLimiter(redis);
        // 100 tokens, refilling one in 1000 s: batches of 5.
        Limit limit = new Limit(100, 0.001);
        for (int round = 0; round < 10; round++) {
            String key = "test:" + UUID.randomUUID();
            long evalsBefore = evals();
            java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger();
            java.util.List<java.util.concurrent.CompletableFuture<Void>> racers = new java.util.ArrayList<>();
            for (RateLimiter replica : java.util.List.of(replicaA, replicaB)) {
                for (int t = 0; t < 4; t++) {
                    racers.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < 60; i++) {
                            if (take(replica, key, limit).allowed()) {
                                allowed.incrementAndGet();
                            }
                        }
                    }));
                }
            }
            for (var racer : racers) {
                racer.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            // A replica may keep up to a batch it did not use; it never hands out more than it took.
            assertThat(allowed.get()).as("round " + round).isBetween(100 - 2 * 4, 100);
            assertThat(evals() - evalsBefore).as("round " + round + ": Redis calls for 480 takes")
                    .isLessThanOrEqualTo(40);
        }
    }

    /** How many scripts Redis has run, from its own statistics. */
    private long evals() {
        String info = redis.execute("INFO", "commandstats").await().atMost(Duration.ofSeconds(5)).toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_eval:calls=(\\d+)").matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
