package io.clawbot.coordinator.adapters.persistence.redis;

import io.clawbot.coordinator.domain.dispatch.port.ReplicaCensus;
import io.clawbot.coordinator.domain.insight.LatencyHistogram;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * The census in two Redis hashes, a field per replica in each: {@value #KEY} holds {@code <count>:<epoch millis>}
 * and {@value #DISPATCH_KEY} {@code <epoch millis>:<histogram>} (its last minute's dispatch latencies, as
 * {@link LatencyHistogram#encode()}). Entries older than {@code staleAfter} are left out when read (and the hashes
 * expire when nobody writes); when Redis does not answer quickly, the census is this replica's own figures.
 */
public final class RedisReplicaCensus implements ReplicaCensus {

    private static final Logger LOG = Logger.getLogger(RedisReplicaCensus.class);

    public static final String KEY = "clawbot:census:connections";
    public static final String DISPATCH_KEY = "clawbot:census:dispatch";
    private static final Duration READ_LIMIT = Duration.ofMillis(500);

    private final ReactiveRedisDataSource redis;
    private final String self;
    private final Duration staleAfter;
    private final InstantSource clock;
    private volatile int own;
    private volatile LatencyHistogram ownDispatches = LatencyHistogram.EMPTY;

    public RedisReplicaCensus(ReactiveRedisDataSource redis, ReplicaName name, Duration staleAfter,
            InstantSource clock) {
        this.redis = redis;
        this.self = name.value();
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    @Override
    public void report(int connections, LatencyHistogram dispatches) {
        own = connections;
        ownDispatches = dispatches;
        long now = clock.millis();
        String expiry = Long.toString(staleAfter.toMillis() * 4);
        redis.execute("HSET", KEY, self, connections + ":" + now)
                .chain(() -> redis.execute("PEXPIRE", KEY, expiry))
                .chain(() -> redis.execute("HSET", DISPATCH_KEY, self, now + ":" + dispatches.encode()))
                .chain(() -> redis.execute("PEXPIRE", DISPATCH_KEY, expiry))
                .subscribe().with(ignored -> {
                }, failure -> LOG.debugf("reporting this replica's census failed: %s", failure.getMessage()));
    }

    @Override
    public Uni<Map<String, Integer>> connections() {
        return redis.execute("HGETALL", KEY).map(this::read)
                .ifNoItem().after(READ_LIMIT).recoverWithItem(this::ownOnly)
                .onFailure().recoverWithItem(failure -> ownOnly());
    }

    @Override
    public Uni<LatencyHistogram> dispatches() {
        return redis.execute("HGETALL", DISPATCH_KEY).map(this::readDispatches)
                .ifNoItem().after(READ_LIMIT).recoverWithItem(() -> ownDispatches)
                .onFailure().recoverWithItem(failure -> ownDispatches);
    }

    @Override
    public Uni<Void> leave() {
        return redis.execute("HDEL", KEY, self).chain(() -> redis.execute("HDEL", DISPATCH_KEY, self))
                .ifNoItem().after(READ_LIMIT).recoverWithItem(() -> null)
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private LatencyHistogram readDispatches(Response hash) {
        long oldest = clock.millis() - staleAfter.toMillis();
        List<LatencyHistogram> fresh = new ArrayList<>();
        fresh.add(ownDispatches);
        fields(hash, (replica, value) -> {
            int colon = value.indexOf(':');
            if (replica.equals(self) || colon < 0) {
                return;
            }
            try {
                if (Long.parseLong(value.substring(0, colon)) >= oldest) {
                    LatencyHistogram.decode(value.substring(colon + 1)).ifPresent(fresh::add);
                }
            } catch (NumberFormatException e) {
                LOG.debugf("ignoring a census entry that is not <millis>:<histogram>: %s", value);
            }
        });
        return LatencyHistogram.sum(fresh);
    }

    /** Each field of a hash with its value: RESP3 answers a map, RESP2 a flat list of field, value, ... */
    private static void fields(Response hash, BiConsumer<String, String> each) {
        Map<String, String> fields = new TreeMap<>();
        if (hash != null && hash.isMap()) {
            hash.getKeys().forEach(field -> fields.put(field, hash.get(field).toString()));
        } else if (hash != null) {
            for (int i = 0; i + 1 < hash.size(); i += 2) {
                fields.put(hash.get(i).toString(), hash.get(i + 1).toString());
            }
        }
        fields.forEach(each);
    }

    private Map<String, Integer> read(Response hash) {
        Map<String, Integer> census = new TreeMap<>();
        long oldest = clock.millis() - staleAfter.toMillis();
        fields(hash, (replica, value) -> {
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
