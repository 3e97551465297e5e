package io.clawbot.coordinator.adapters.persistence.redis;

import io.clawbot.coordinator.domain.bot.port.BotPresence;
import io.clawbot.coordinator.domain.id.BotId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Bot presence in Redis: one key per bot ({@value #PREFIX}{@code <bot id>}) holding the name of the replica with
 * its connection, written with a time to live on connect and on every heartbeat. Forgetting deletes the key only
 * while it still names this replica (one Lua script), so a replica the bot has left cannot erase the entry of the
 * replica it moved to. Every failure is quiet: a write is simply missing, a lookup answers "unknown", and a
 * lookup that Redis does not answer quickly answers "unknown" too.
 */
public final class RedisBotPresence implements BotPresence {

    private static final Logger LOG = Logger.getLogger(RedisBotPresence.class);

    /** The prefix of the presence keys. */
    public static final String PREFIX = "clawbot:presence:";

    private static final Duration LOOKUP_LIMIT = Duration.ofMillis(500);
    private static final String FORGET = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final ReactiveRedisDataSource redis;
    private final String self;
    private final String ttlMillis;

    /**
     * @param ttl how long an entry lives without a heartbeat; a few heartbeat intervals, so that one late
     *            heartbeat does not lose it
     */
    public RedisBotPresence(ReactiveRedisDataSource redis, ReplicaName name, Duration ttl) {
        this.redis = redis;
        this.self = name.value();
        this.ttlMillis = Long.toString(ttl.toMillis());
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public void here(BotId bot) {
        redis.execute("SET", PREFIX + bot.value(), self, "PX", ttlMillis).subscribe().with(ignored -> {
        }, failure -> LOG.debugf("recording bot %s's presence failed: %s", bot, failure.getMessage()));
    }

    @Override
    public void gone(BotId bot) {
        redis.execute("EVAL", FORGET, "1", PREFIX + bot.value(), self).subscribe().with(ignored -> {
        }, failure -> LOG.debugf("forgetting bot %s's presence failed: %s", bot, failure.getMessage()));
    }

    @Override
    public Uni<String> whereIs(BotId bot) {
        return redis.execute("GET", PREFIX + bot.value())
                .map(response -> response == null ? null : response.toString())
                .ifNoItem().after(LOOKUP_LIMIT).recoverWithItem((String) null)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("looking up bot %s's presence failed: %s", bot, failure.getMessage());
                    return null;
                });
    }
}
