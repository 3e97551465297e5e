package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.adapters.persistence.redis.RedisBotPresence;
import io.clawbot.coordinator.adapters.persistence.redis.RedisReplicaBus;
import io.clawbot.coordinator.adapters.persistence.redis.ReplicaName;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * This replica on the Redis bus, with the test playing another replica on the same Redis: hints it receives start
 * a dispatch round, pushes it receives reach its bots, and what it cannot deliver itself it relays. The dispatch
 * tick is off ({@link NoDispatchTick}), so only a hint can make the first test's bot get its task.
 */
@QuarkusTest
@TestProfile(NoDispatchTick.class)
class ReplicaBusTest {

    private static final String OTHER_REPLICA = "replica-" + UUID.randomUUID();

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    ReplicaName name;

    private void publish(String channel, String message) {
        redis.pubsub(String.class).publish(channel, message).await().atMost(Duration.ofSeconds(5));
    }

    private static String relay(String kind, String bot, String task, int attempt, String reason) {
        return new JsonObject().put("origin", OTHER_REPLICA).put("kind", kind).put("bot_id", bot)
                .put("task_id", task).put("attempt", attempt).put("reason", reason).encode();
    }

    @Test
    void a_hint_from_another_replica_dispatches_work_that_no_local_signal_announced() throws Exception {
        String type = Fixtures.unique("hinted");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("idle"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            // Room for a task that something else dispatches first: a sweep or a timer of another test sharing this
            // app may start a dispatch round at any time, and such a round is not the hint. Then try again.
            bot.send("slots", Map.of("slots", 5));
            bot.next("slots_ack");
            for (int round = 0; round < 5; round++) {
                // A task committed by "another replica": written straight to the database, so nothing here signals.
                String task = UUID.randomUUID().toString();
                Database.execute("insert into tasks (id, type, status, priority, payload, timeout_seconds, attempt, "
                        + "created_at, updated_at, version, retry_policy) values ('" + task + "', '" + type
                        + "', 'pending', 0, '{}', 60, 0, now(), now(), 0, '{\"max_attempts\": 1, \"backoff_seconds\": "
                        + "1, \"backoff_multiplier\": 2, \"max_backoff_seconds\": 1, \"jitter\": 0, "
                        + "\"non_retryable_errors\": []}')");
                if (!bot.drain(Duration.ofMillis(500)).isEmpty()) {
                    continue;
                }
                // No tick, no signal: nothing yet. Now the hint.
                publish(RedisReplicaBus.WORK, OTHER_REPLICA);

                assertThat(bot.next("task_assigned").payload()).containsEntry("task_id", task);
                return;
            }
            throw new AssertionError("in every round something other than the hint dispatched the task first");
        }
    }

    @Test
    void a_relayed_cancel_and_assignment_reach_a_bot_connected_here() {
        String type = Fixtures.unique("relayed");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("here"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            String task = Fixtures.createTask(type, 0);
            assertThat(bot.next("task_assigned").payload()).containsEntry("attempt", 1);

            publish(RedisReplicaBus.RELAY, relay("assign", creds.id(), task, 1, null));
            assertThat(bot.next("task_assigned").payload()).as("pushed again on the other replica's request")
                    .containsEntry("task_id", task).containsEntry("attempt", 1);

            publish(RedisReplicaBus.RELAY, relay("assign", creds.id(), task, 7, null));
            publish(RedisReplicaBus.RELAY, relay("cancel", creds.id(), task, 1, "cancelled on another replica"));
            Map<String, Object> cancel = bot.next().payload();
            assertThat(cancel).as("a relay for an attempt the task is not at is dropped")
                    .containsEntry("task_id", task).containsEntry("reason", "cancelled on another replica");
        }
    }

    @Test
    void what_this_replica_cannot_deliver_itself_it_relays_and_it_announces_new_work() throws Exception {
        BlockingQueue<String> work = new LinkedBlockingQueue<>();
        BlockingQueue<String> relays = new LinkedBlockingQueue<>();
        var subscriber = redis.pubsub(String.class).subscribe(List.of(RedisReplicaBus.WORK, RedisReplicaBus.RELAY),
                (channel, message) -> (RedisReplicaBus.WORK.equals(channel) ? work : relays).add(message))
                .await().atMost(Duration.ofSeconds(5));
        try {
            String type = Fixtures.unique("elsewhere");
            String bot = Fixtures.registerBot(Fixtures.unique("remote"), type);
            String task = Fixtures.createTask(type, 0);
            assertThat(work.poll(5, TimeUnit.SECONDS)).as("a creation is announced").isNotNull();

            Fixtures.assign(task, bot);
            given().contentType(ContentType.JSON).body(Map.of("reason", "not needed"))
                    .when().post("/api/v1/tasks/" + task + "/cancel").then().statusCode(200);

            JsonObject assign = new JsonObject(relays.poll(5, TimeUnit.SECONDS));
            JsonObject cancel = new JsonObject(relays.poll(5, TimeUnit.SECONDS));
            assertThat(assign.getString("kind")).isEqualTo("assign");
            assertThat(assign.getString("bot_id")).isEqualTo(bot);
            assertThat(assign.getString("task_id")).isEqualTo(task);
            assertThat(assign.getInteger("attempt")).isEqualTo(1);
            assertThat(cancel.getString("kind")).isEqualTo("cancel");
            assertThat(cancel.getString("reason")).isEqualTo("not needed");
        } finally {
            subscriber.unsubscribe().await().atMost(Duration.ofSeconds(5));
        }
    }

    @Test
    void a_push_for_a_bot_on_a_known_replica_goes_to_that_replica_alone() throws Exception {
        BlockingQueue<String> forAll = new LinkedBlockingQueue<>();
        BlockingQueue<String> forOther = new LinkedBlockingQueue<>();
        String otherChannel = RedisReplicaBus.relayChannel(OTHER_REPLICA);
        var subscriber = redis.pubsub(String.class).subscribe(List.of(RedisReplicaBus.RELAY, otherChannel),
                (channel, message) -> (otherChannel.equals(channel) ? forOther : forAll).add(message))
                .await().atMost(Duration.ofSeconds(5));
        try {
            String type = Fixtures.unique("there");
            String bot = Fixtures.registerBot(Fixtures.unique("connected-there"), type);
            redis.execute("SET", RedisBotPresence.PREFIX + bot, OTHER_REPLICA, "PX", "60000")
                    .await().atMost(Duration.ofSeconds(5));
            String task = Fixtures.createTask(type, 0);

            Fixtures.assign(task, bot);
            given().when().post("/api/v1/ws/broadcast/task/" + task).then().statusCode(200)
                    .body("sent", org.hamcrest.Matchers.equalTo(true));
            given().contentType(ContentType.JSON).body(Map.of("reason", "not needed"))
                    .when().post("/api/v1/tasks/" + task + "/cancel").then().statusCode(200);

            assertThat(new JsonObject(forOther.poll(5, TimeUnit.SECONDS)).getString("kind")).isEqualTo("assign");
            assertThat(new JsonObject(forOther.poll(5, TimeUnit.SECONDS)).getString("kind"))
                    .as("the broadcast endpoint's push").isEqualTo("assign");
            assertThat(new JsonObject(forOther.poll(5, TimeUnit.SECONDS)).getString("kind")).isEqualTo("cancel");
            assertThat(forAll.poll(300, TimeUnit.MILLISECONDS)).as("nothing for every replica").isNull();
        } finally {
            subscriber.unsubscribe().await().atMost(Duration.ofSeconds(5));
        }
    }

    @Test
    void a_relay_addressed_to_this_replica_reaches_its_bot() {
        String type = Fixtures.unique("addressed");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("addressee"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            String task = Fixtures.createTask(type, 0);
            assertThat(bot.next("task_assigned").payload()).containsEntry("attempt", 1);

            publish(RedisReplicaBus.relayChannel(name.value()), relay("cancel", creds.id(), task, 1, "addressed"));

            assertThat(bot.next("task_cancel").payload()).containsEntry("task_id", task)
                    .containsEntry("reason", "addressed");
        }
    }
}
