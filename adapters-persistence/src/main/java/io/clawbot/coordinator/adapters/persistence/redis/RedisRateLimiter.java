package io.clawbot.coordinator.adapters.persistence.redis;

import io.clawbot.coordinator.domain.common.port.RateLimiter;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Token buckets in Redis, one hash per key, updated by one Lua script so that concurrent takers on every replica
 * see one bucket; time is Redis's own clock. Idle buckets expire. When Redis cannot be reached, each replica
 * falls back to a bucket of its own for the key (the limit then holds per replica rather than in all) until
 * Redis answers again.
 */
@ApplicationScoped
public class RedisRateLimiter implements RateLimiter {

    private static final Logger LOG = Logger.getLogger(RedisRateLimiter.class);
    private static final String PREFIX = "clawbot:rate:";

    /**
     * KEYS[1] the bucket; ARGV[1] capacity, ARGV[2] tokens per second. Returns {allowed (0/1), tokens left
     * (floored), milliseconds until the next token when refused}.
     */
    private static final String SCRIPT = """
            local capacity = tonumber(ARGV[1])
            local rate = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1])
            local at = tonumber(state[2])
            if tokens == nil then
              tokens = capacity
              at = now
            end
            tokens = math.min(capacity, tokens + math.max(0, now - at) * rate / 1000)
            local allowed = 0
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            else
              wait = math.ceil((1 - tokens) * 1000 / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
            return {allowed, math.floor(tokens), wait}
            """;

    private final ReactiveRedisDataSource redis;
    private final Map<String, LocalBucket> fallback = new ConcurrentHashMap<>();
    private final AtomicBoolean degraded = new AtomicBoolean();

    public RedisRateLimiter(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    @Override
    public Uni<Decision> tryAcquire(String key, Limit limit) {
        return redis.execute("EVAL", SCRIPT, "1", PREFIX + key, Integer.toString(limit.capacity()),
                Double.toString(limit.perSecond()))
                .map(RedisRateLimiter::decision)
                .invoke(() -> {
                    if (degraded.compareAndSet(true, false)) {
                        LOG.info("Redis answers again: rate limits are shared by every replica");
                        fallback.clear();
                    }
                })
                .onFailure().recoverWithItem(failure -> {
                    if (degraded.compareAndSet(false, true)) {
                        LOG.warnf("Redis is unreachable (%s): rate limits hold per replica until it is back",
                                failure.getMessage());
                    }
                    return fallback.computeIfAbsent(key, k -> new LocalBucket()).take(limit, System.nanoTime());
                });
    }

    private static Decision decision(Response response) {
        boolean allowed = response.get(0).toInteger() == 1;
        return new Decision(allowed, response.get(1).toInteger(), Duration.ofMillis(response.get(2).toLong()));
    }

    /** The same bucket, in this replica's memory. */
    public static final class LocalBucket {
        private double tokens = -1;
        private long at;

        public synchronized Decision take(Limit limit, long nowNanos) {
            if (tokens < 0) {
                tokens = limit.capacity();
                at = nowNanos;
            }
            tokens = Math.min(limit.capacity(), tokens + Math.max(0, nowNanos - at) / 1e9 * limit.perSecond());
            at = nowNanos;
            if (tokens >= 1) {
                tokens -= 1;
                return new Decision(true, (int) Math.floor(tokens), Duration.ZERO);
            }
            return new Decision(false, 0, Duration.ofMillis((long) Math.ceil((1 - tokens) * 1000 / limit.perSecond())));
        }
    }
}
