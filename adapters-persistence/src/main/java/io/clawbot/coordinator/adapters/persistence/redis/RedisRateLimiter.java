package io.clawbot.coordinator.adapters.persistence.redis;

import io.clawbot.coordinator.domain.common.port.RateLimiter;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
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
    /** Keys whose shares a replica keeps before it starts again from none. */
    private static final int MAX_KEYS = 50_000;

    /**
     * KEYS[1] the bucket; ARGV[1] capacity, ARGV[2] tokens per second, ARGV[3] how many tokens to take at most.
     * Returns {tokens taken, tokens left (floored), milliseconds until the next token when none was taken}.
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
            local taken = math.min(tonumber(ARGV[3]), math.floor(tokens))
            local wait = 0
            if taken >= 1 then
              tokens = tokens - taken
            else
              taken = 0
              wait = math.ceil((1 - tokens) * 1000 / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
            return {taken, math.floor(tokens), wait}
            """;

    private final ReactiveRedisDataSource redis;
    private final Map<String, LocalBucket> fallback = new ConcurrentHashMap<>();
    private final Map<String, Share> shares = new ConcurrentHashMap<>();
    private final AtomicBoolean degraded = new AtomicBoolean();

    public RedisRateLimiter(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    /**
     * Takes a token from what this replica holds of the bucket, and only when it holds none asks Redis, for a batch
     * (a twentieth of the bucket, 1 to 50 tokens): a busy key costs a Redis call per batch, not per request. Callers
     * that find the replica's share empty while a batch is on its way wait for that one call. When Redis refuses,
     * the refusal is answered here until the next token is due. A replica holds at most a batch it has not used,
     * so all of them together never exceed the limit by more than a batch each.
     */
    @Override
    public Uni<Decision> tryAcquire(String key, Limit limit) {
        if (shares.size() > MAX_KEYS) {
            // Many keys (source addresses) seen: forget the shares; unused tokens only make limits stricter.
            shares.clear();
        }
        if (fallback.size() > MAX_KEYS) {
            fallback.clear();
        }
        Share share = shares.computeIfAbsent(key, k -> new Share());
        Uni<Boolean> batch;
        synchronized (share) {
            Decision local = share.take(System.nanoTime());
            if (local != null) {
                return Uni.createFrom().item(local);
            }
            if (share.fetching == null) {
                share.fetching = fetch(key, limit, share).memoize().indefinitely();
            }
            batch = share.fetching;
        }
        return batch.flatMap(reached -> {
            if (!reached) {
                return Uni.createFrom().item(fallback.computeIfAbsent(key, k -> new LocalBucket())
                        .take(limit, System.nanoTime()));
            }
            synchronized (share) {
                Decision local = share.take(System.nanoTime());
                if (local != null) {
                    return Uni.createFrom().item(local);
                }
            }
            // Others took the whole batch meanwhile: ask again.
            return tryAcquire(key, limit);
        });
    }

    static int batchSize(Limit limit) {
        return Math.max(1, Math.min(50, limit.capacity() / 20));
    }

    /** One call to Redis for a batch; {@code false} when Redis could not be reached. */
    private Uni<Boolean> fetch(String key, Limit limit, Share share) {
        return redis.execute("EVAL", SCRIPT, "1", PREFIX + key, Integer.toString(limit.capacity()),
                Double.toString(limit.perSecond()), Integer.toString(batchSize(limit)))
                .map(response -> {
                    if (degraded.compareAndSet(true, false)) {
                        LOG.info("Redis answers again: rate limits are shared by every replica");
                        fallback.clear();
                    }
                    synchronized (share) {
                        share.fetching = null;
                        share.granted(response.get(0).toInteger(), response.get(1).toInteger(),
                                response.get(2).toLong(), System.nanoTime());
                    }
                    return true;
                })
                .onFailure().recoverWithItem(failure -> {
                    if (degraded.compareAndSet(false, true)) {
                        LOG.warnf("Redis is unreachable (%s): rate limits hold per replica until it is back",
                                failure.getMessage());
                    }
                    synchronized (share) {
                        share.fetching = null;
                    }
                    return false;
                });
    }

    /** What this replica holds of one Redis bucket. Guarded by its own lock. */
    private static final class Share {
        private int tokens;
        private int remoteLeft;
        private long refusedUntil = Long.MIN_VALUE;
        private Uni<Boolean> fetching;

        /** A decision made here, or {@code null} when Redis must be asked. */
        Decision take(long now) {
            if (tokens > 0) {
                tokens--;
                return new Decision(true, tokens + remoteLeft, Duration.ZERO);
            }
            if (refusedUntil != Long.MIN_VALUE && now < refusedUntil) {
                return new Decision(false, 0, Duration.ofNanos(refusedUntil - now));
            }
            return null;
        }

        void granted(int taken, int left, long waitMillis, long now) {
            tokens += taken;
            remoteLeft = left;
            refusedUntil = taken > 0 ? Long.MIN_VALUE : now + waitMillis * 1_000_000L;
        }
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
