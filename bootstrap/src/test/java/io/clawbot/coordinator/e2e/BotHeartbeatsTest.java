package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.application.bot.BotConnections;
import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.task.port.BotHeartbeats;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats of connected bots written per replica in batches (PgBotHeartbeats): those that arrive together go in
 * one statement, an offline bot is left to the registry's full path, running leases are renewed at their attempt,
 * and a heartbeat racing the stale-bot sweep always leaves the bot online.
 */
@QuarkusTest
class BotHeartbeatsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    BotHeartbeats heartbeats;
    @Inject
    BotConnections connections;
    @Inject
    BotLifecycle lifecycle;
    @Inject
    io.vertx.core.Vertx vertx;
    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    /** A heartbeat as the bot's session sends it: on a Vert.x context of its own, which the full path needs. */
    private Uni<Void> beatFromSession(String botId) {
        return OnVertxContext.call(vertx, () -> connections.beat(bot(botId), List.of()));
    }

    private static String onlineBot(String name) {
        String id = Fixtures.registerBot(name, name);
        Fixtures.heartbeat(id);
        return id;
    }

    private static BotId bot(String id) {
        return new BotId(UUID.fromString(id));
    }

    private static String status(String botId) {
        return (String) Database.rows("select status from bots where id = '" + botId + "'").getFirst().getFirst();
    }

    @Test
    void heartbeats_that_arrive_together_are_written_in_one_statement() {
        String run = Fixtures.unique("beats");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(onlineBot(run + "-" + i));
        }
        Database.execute("update bots set last_heartbeat_at = now() - interval '10 seconds' where name like '" + run
                + "-%'");

        List<CompletableFuture<Boolean>> beats = new ArrayList<>();
        ids.forEach(id -> beats.add(heartbeats.beat(bot(id), List.of()).subscribeAsCompletionStage()));
        assertThat(beats).allSatisfy(beat -> assertThat(beat.join()).isTrue());

        assertThat(Database.count("select count(*) from bots where name like '" + run
                + "-%' and last_heartbeat_at > now() - interval '5 seconds'")).as("heartbeats recorded")
                .isEqualTo(200);
        // One statement is one transaction, which gives all its rows one now(): a write per heartbeat would give
        // as many times as bots.
        assertThat(Database.count("select count(distinct last_heartbeat_at) from bots where name like '" + run
                + "-%'")).as("statements that wrote the 200 heartbeats").isLessThanOrEqualTo(3);
    }

    /**
     * A batch never waits for a row another write holds (a report batch freeing the bot, a sweep): the other bots
     * of the batch are written at once, and the held bot's heartbeat goes in a later batch, or, when the row stays
     * held that long, takes the registry's full path.
     * A batch that waited instead could deadlock with those writes, which lock tasks and then bots.
     */
    @Test
    void a_bot_whose_row_is_held_does_not_hold_up_the_batch_and_is_written_when_it_is_free() throws Exception {
        String held = onlineBot(Fixtures.unique("beat-held"));
        String free = onlineBot(Fixtures.unique("beat-free"));
        CompletableFuture<Void> locked = new CompletableFuture<>();
        CompletableFuture<Object> holder = pool.withTransaction(conn -> conn
                .query("select id from bots where id = '" + held + "' for update").execute()
                .invoke(() -> locked.complete(null))
                .onItem().delayIt().by(Duration.ofSeconds(4))).subscribeAsCompletionStage()
                .thenApply(x -> (Object) x);
        locked.get(10, java.util.concurrent.TimeUnit.SECONDS);

        // Through the connection, as the bot's session sends it: a heartbeat whose bot's row stays held through a
        // few batches takes the registry's full path, which waits for the row on its own.
        CompletableFuture<Void> heldBeat = OnVertxContext.call(vertx, () -> connections.beat(bot(held), List.of()))
                .subscribeAsCompletionStage();
        assertThat(heartbeats.beat(bot(free), List.of()).await().atMost(WAIT)).isTrue();
        assertThat(holder).as("the other write still holds the row").isNotDone();
        assertThat(heldBeat).as("the held bot's heartbeat waits for its row").isNotDone();

        holder.get(10, java.util.concurrent.TimeUnit.SECONDS);
        heldBeat.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(Database.count("select count(*) from bots where id = '" + held
                + "' and last_heartbeat_at > now() - interval '5 seconds'")).isOne();
    }

    @Test
    void an_offline_bot_is_not_written_and_the_connection_brings_it_back_through_the_full_path() {
        String id = Fixtures.registerBot(Fixtures.unique("offline"), "x");
        assertThat(status(id)).isEqualTo("offline");

        assertThat(heartbeats.beat(bot(id), null).await().atMost(WAIT)).isFalse();
        assertThat(Database.count("select count(*) from bots where id = '" + id + "' and last_heartbeat_at is null"))
                .isOne();
        assertThat(heartbeats.beat(bot(UUID.randomUUID().toString()), null).await().atMost(WAIT)).isFalse();

        OnVertxContext.call(vertx, () -> connections.beat(bot(id), null)).await().atMost(WAIT);
        assertThat(status(id)).isEqualTo("online");
    }

    @Test
    void a_connected_bot_marked_offline_comes_back_with_its_next_heartbeat_over_the_socket() throws Exception {
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("beat-socket"), "x");
        TestBot bot = TestBot.connect(creds.token());
        try {
            bot.send("heartbeat", java.util.Map.of("running", List.of()));
            assertThat(bot.frames.poll(10, java.util.concurrent.TimeUnit.SECONDS).type()).isEqualTo("heartbeat_ack");
            assertThat(status(creds.id())).isEqualTo("online");
            Database.execute("update bots set status = 'offline' where id = '" + creds.id() + "'");
            // A heartbeat sooner than a second after the last is answered without a write.
            Thread.sleep(1100);

            bot.send("heartbeat", java.util.Map.of("running", List.of()));
            assertThat(bot.frames.poll(10, java.util.concurrent.TimeUnit.SECONDS).type()).isEqualTo("heartbeat_ack");

            assertThat(status(creds.id())).isEqualTo("online");
        } finally {
            bot.close();
        }
    }

    @Test
    void running_leases_are_renewed_for_the_tasks_named_at_their_attempt_or_all_when_none_are_named() {
        String type = Fixtures.unique("beat-lease");
        String botId = onlineBot(type);
        String task = Fixtures.createTask(type, 0);
        Fixtures.assign(task, botId);
        given().contentType(ContentType.JSON).body("{\"attempt\": 1}").when().post("/api/v1/tasks/" + task + "/start")
                .then().statusCode(200);
        String soon = "update tasks set lease_expires_at = now() + interval '2 seconds' where id = '" + task + "'";
        String renewed = "select count(*) from tasks where id = '" + task
                + "' and lease_expires_at > now() + interval '30 seconds'";
        TaskId id = new TaskId(UUID.fromString(task));

        Database.execute(soon);
        assertThat(heartbeats.beat(bot(botId), List.of(new TaskLeases.Running(id, 2))).await().atMost(WAIT))
                .isTrue();
        assertThat(Database.count(renewed)).as("a stale attempt renews nothing").isZero();

        assertThat(heartbeats.beat(bot(botId), List.of(new TaskLeases.Running(id, 1))).await().atMost(WAIT))
                .isTrue();
        assertThat(Database.count(renewed)).as("the named task at its attempt").isOne();

        Database.execute(soon);
        assertThat(heartbeats.beat(bot(botId), List.of()).await().atMost(WAIT)).isTrue();
        assertThat(Database.count(renewed)).as("a task the bot no longer names lapses").isZero();

        assertThat(heartbeats.beat(bot(botId), null).await().atMost(WAIT)).isTrue();
        assertThat(Database.count(renewed)).as("a bot of the first protocol: every running task").isOne();
    }

    /**
     * The sweep marks a bot offline when its last heartbeat is old; a heartbeat written at the same moment either
     * lands first (the bot is no longer stale) or finds the bot offline and brings it back. Either way the bot ends
     * up online, round after round.
     */
    @Test
    void a_heartbeat_racing_the_stale_sweep_always_leaves_the_bot_online() {
        String botId = onlineBot(Fixtures.unique("beat-race"));
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 25; round++) {
            Database.execute("update bots set last_heartbeat_at = now() - interval '1 hour' where id = '" + botId
                    + "'");
            // The batch waits for its window before it writes; the sweep starts anywhere before, in or after it.
            Uni<Integer> sweep = Uni.createFrom().voidItem().onItem()
                    .delayIt().by(Duration.ofMillis(random.nextInt(500))).flatMap(x -> lifecycle.markStaleOffline());
            Uni<Void> beat = beatFromSession(botId);
            Uni.join().all(sweep.replaceWithVoid(), beat).andFailFast().await().atMost(WAIT);

            assertThat(status(botId)).as("round %d", round).isNotEqualTo(BotStatus.OFFLINE.wire());
            assertThat(Database.count("select count(*) from bots where id = '" + botId
                    + "' and last_heartbeat_at > now() - interval '10 seconds'")).as("round %d", round).isOne();
        }
    }
}
