package io.clawbot.coordinator.adapters.persistence.redis;

import io.clawbot.coordinator.domain.dispatch.port.ReplicaCensus;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The census in one Redis hash ({@value #KEY}): a field per replica holding {@code <count>:<epoch millis>}. Entries
 * older than {@code staleAfter} are left out when read (and the hash itself expires when nobody writes); when
 * Redis does not answer quickly, the census is this replica's own count.
 */
public final class RedisReplicaCensus implements ReplicaCensus {

    private static final Logger LOG = Logger.getLogger(RedisReplicaCensus.class);

    public static final String KEY = "clawbot:census:connections";
    private static final Duration READ_LIMIT = Duration.ofMillis(500);

    private final ReactiveRedisDataSource redis;
    private final String self;
    private final Duration staleAfter;
    private final InstantSource clock;
    private volatile int own;

    public RedisReplicaCensus(ReactiveRedisDataSource redis, ReplicaName name, Duration staleAfter,
            InstantSource clock) {
        this.redis = redis;
        this.self = name.value();
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    @Override
    public void report(int connections) {
        own = connections;
        String value = connections + ":" + clock.millis();
        redis.execute("HSET", KEY, self, value)
                .chain(() -> redis.execute("PEXPIRE", KEY, Long.toString(staleAfter.toMillis() * 4)))
                .subscribe().with(ignored -> {
                }, failure -> LOG.debugf("reporting this replica's connections failed: %s", failure.getMessage()));
    }

    @Override
    public Uni<Map<String, Integer>> connections() {
        return redis.execute("HGETALL", KEY).map(this::read)
                .ifNoItem().after(READ_LIMIT).recoverWithItem(this::ownOnly)
                .onFailure().recoverWithItem(failure -> ownOnly());
    }

    @Override
    public Uni<Void> leave() {
        return redis.execute("HDEL", KEY, self).ifNoItem().after(READ_LIMIT).recoverWithItem(() -> null)
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Map<String, Integer> read(Response hash) {
        Map<String, Integer> census = new TreeMap<>();
        long oldest = clock.millis() - staleAfter.toMillis();
        Map<String, String> fields = new TreeMap<>();
        if (hash != null && hash.isMap()) {
            hash.getKeys().forEach(replica -> fields.put(replica, hash.get(replica).toString()));
        } else if (hash != null) {
            // RESP2 answers a flat list of field, value, field, value.
            for (int i = 0; i + 1 < hash.size(); i += 2) {
                fields.put(hash.get(i).toString(), hash.get(i + 1).toString());
            }
        }
        fields.forEach((replica, value) -> {
            String[] parts = value.split(":");
            try {
                if (parts.length == 2 && Long.parseLong(parts[1]) >= oldest) {
                    census.put(replica, Integer.parseInt(parts[0]));
                }
            } catch (NumberFormatException e) {
                LOG.debugf("ignoring a census entry that is not <count>:<millis>: %s", value);
            }
        });
        census.put(self, own);
        return census;
    }

    private Map<String, Integer> ownOnly() {
        return new TreeMap<>(Map.of(self, own));
    }
}
