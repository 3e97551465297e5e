package io.clawbot.coordinator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.adapters.persistence.redis.RedisBotPresence;
import io.clawbot.coordinator.adapters.persistence.redis.ReplicaName;
import io.clawbot.coordinator.bootstrap.config.DispatchConfig;
import io.clawbot.coordinator.domain.bot.port.BotPresence;
import io.clawbot.coordinator.domain.id.BotId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Bot presence in the real Redis: a connected bot's entry names this replica and lives a few heartbeats; closing
 * the connection clears it, but never an entry that another replica has written since.
 */
@QuarkusTest
class BotPresenceTest {

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    BotPresence presence;

    @Inject
    ReplicaName name;

    @Inject
    DispatchConfig config;

    private String entry(String botId) {
        var value = redis.execute("GET", RedisBotPresence.PREFIX + botId).await().atMost(Duration.ofSeconds(5));
        return value == null ? null : value.toString();
    }

    private long ttlMillis(String botId) {
        return redis.execute("PTTL", RedisBotPresence.PREFIX + botId).await().atMost(Duration.ofSeconds(5))
                .toLong();
    }

    /** Writes are fire and forget: waits until {@code read} gives {@code expected}, for up to five seconds. */
    private static <T> T eventually(Supplier<T> read, T expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        T value = read.get();
        while (!Objects.equals(value, expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            value = read.get();
        }
        return value;
    }

    @Test
    void a_connected_bot_is_found_on_this_replica_until_its_connection_closes() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("present"), "present");
        try (TestBot bot = TestBot.connect(creds.token())) {
            assertThat(eventually(() -> entry(creds.id()), name.value())).isEqualTo(name.value());
            assertThat(ttlMillis(creds.id())).as("three heartbeat intervals at most")
                    .isPositive().isLessThanOrEqualTo(config.heartbeatInterval().multipliedBy(3).toMillis());
            assertThat(presence.whereIs(new BotId(UUID.fromString(creds.id()))).await().atMost(Duration.ofSeconds(5)))
                    .isEqualTo(name.value());
        }
        assertThat(eventually(() -> entry(creds.id()), null)).as("cleared on close").isNull();
    }

    @Test
    void a_heartbeat_writes_the_entry_again() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("beating"), "beating");
        try (TestBot bot = TestBot.connect(creds.token())) {
            eventually(() -> entry(creds.id()), name.value());
            redis.execute("DEL", RedisBotPresence.PREFIX + creds.id()).await().atMost(Duration.ofSeconds(5));

            bot.send("heartbeat", Map.of());
            assertThat(bot.frames.poll(10, TimeUnit.SECONDS).type()).isEqualTo("heartbeat_ack");

            assertThat(eventually(() -> entry(creds.id()), name.value())).isEqualTo(name.value());
        }
    }

    @Test
    void closing_a_connection_keeps_the_entry_of_the_replica_the_bot_moved_to() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("moving"), "moving");
        BotPresence other = new RedisBotPresence(redis, new ReplicaName(), Duration.ofMinutes(1));
        try (TestBot bot = TestBot.connect(creds.token())) {
            eventually(() -> entry(creds.id()), name.value());
            other.here(new BotId(UUID.fromString(creds.id())));
            assertThat(eventually(() -> entry(creds.id()), other.self())).isEqualTo(other.self());
        }
        Thread.sleep(300);
        assertThat(entry(creds.id())).isEqualTo(other.self());
    }

    /** How many of these bots have an entry. */
    private long present(List<BotId> bots) {
        String[] keys = bots.stream().map(b -> RedisBotPresence.PREFIX + b.value()).toArray(String[]::new);
        return redis.execute("EXISTS", keys).await().atMost(Duration.ofSeconds(5)).toLong();
    }

    /**
     * A replica's bots all reconnecting (or sending their heartbeats) at once: every entry is written, and a bot that
     * left right after it came is forgotten, not written back by a write that overtook the forgetting.
     */
    @Test
    void a_burst_of_thousands_of_bots_coming_and_going_is_recorded_whole_and_in_order() throws Exception {
        BotPresence replica = new RedisBotPresence(redis, new ReplicaName(), Duration.ofMinutes(1));
        List<BotId> staying = new ArrayList<>();
        List<BotId> leaving = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            staying.add(new BotId(UUID.randomUUID()));
            leaving.add(new BotId(UUID.randomUUID()));
        }

        for (int i = 0; i < 3000; i++) {
            replica.here(staying.get(i));
            replica.here(leaving.get(i));
            replica.gone(leaving.get(i));
        }
        BotId last = new BotId(UUID.randomUUID());
        replica.here(last);

        assertThat(eventually(() -> present(List.of(last)), 1L)).as("the last write").isEqualTo(1L);
        assertThat(present(staying)).isEqualTo(3000L);
        assertThat(present(leaving)).as("forgotten after they were written").isZero();
    }

    @Test
    void an_entry_without_heartbeats_lapses() throws Exception {
        BotPresence shortLived = new RedisBotPresence(redis, new ReplicaName(), Duration.ofMillis(300));
        BotId bot = new BotId(UUID.randomUUID());

        shortLived.here(bot);

        assertThat(eventually(() -> entry(bot.value().toString()), shortLived.self())).isEqualTo(shortLived.self());
        assertThat(eventually(() -> entry(bot.value().toString()), null)).isNull();
        assertThat(shortLived.whereIs(bot).await().atMost(Duration.ofSeconds(5))).isNull();
    }
}
