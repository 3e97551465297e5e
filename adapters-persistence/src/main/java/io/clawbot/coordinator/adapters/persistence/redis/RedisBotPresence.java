package io.clawbot.coordinator.adapters.persistence.redis;

import io.clawbot.coordinator.adapters.persistence.WriteQueue;
import io.clawbot.coordinator.domain.bot.port.BotPresence;
import io.clawbot.coordinator.domain.id.BotId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Bot presence in Redis: one key per bot ({@value #PREFIX}{@code <bot id>}) holding the name of the replica with
 * its connection, written with a time to live on connect and on every heartbeat. Forgetting deletes the key only
 * while it still names this replica (one Lua script), so a replica the bot has left cannot erase the entry of the
 * replica it moved to. Every failure is quiet: a write is simply missing, a lookup answers "unknown", and a
 * lookup that Redis does not answer quickly answers "unknown" too.
 *
 * <p>
 * Writes that arrive together go to Redis as one pipelined batch, one batch at a time and in the order they arrived
 * (a bot's entry is never forgotten before it is written): thousands of bots connecting or sending their heartbeats
 * at once cost a few exchanges on one connection, where one call each overflowed the client's wait queue and lost
 * entries. Writes queued beyond {@value #MAX_QUEUED} are dropped (Redis is not keeping up; heartbeats write the
 * entries again), and a batch Redis does not answer within {@link #WRITE_LIMIT} is given up.
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

    /** The most writes in one pipelined batch. */
    static final int MAX_BATCH = 1000;
    /** The most writes waiting for Redis; more are dropped. */
    static final int MAX_QUEUED = 100_000;
    /** The longest a batch may wait for Redis's answers. */
    static final Duration WRITE_LIMIT = Duration.ofSeconds(5);

    private final ReactiveRedisDataSource redis;
    private final String self;
    private final String ttlMillis;
    private final WriteQueue<Request> writes = new WriteQueue<>(MAX_BATCH, this::write);
    private final AtomicInteger queued = new AtomicInteger();

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
        enqueue(Request.cmd(Command.SET).arg(PREFIX + bot.value()).arg(self).arg("PX").arg(ttlMillis));
    }

    @Override
    public void gone(BotId bot) {
        enqueue(Request.cmd(Command.EVAL).arg(FORGET).arg("1").arg(PREFIX + bot.value()).arg(self));
    }

    private void enqueue(Request write) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            LOG.debugf("a presence write was dropped: %d are waiting for Redis", MAX_QUEUED);
            return;
        }
        writes.add(write);
    }

    private Uni<Void> write(List<Request> batch) {
        return redis.getRedis().batch(batch).ifNoItem().after(WRITE_LIMIT).fail()
                .onTermination().invoke(() -> queued.addAndGet(-batch.size()))
                .onFailure().invoke(failure -> LOG.debugf("writing %d presence entries failed: %s", batch.size(),
                        failure.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
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
