package io.clawbot.coordinator.adapters.persistence.redis;

import io.clawbot.coordinator.domain.dispatch.port.ReplicaBus;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.Task;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The replicas' message bus on Redis pub/sub: work hints on {@value #WORK}; relayed pushes on
 * {@value #RELAY}{@code :<replica>} when the bot's replica is known, else on {@value #RELAY} for all. Each replica
 * ignores its own messages. Publishing is fire and forget, and bursts of work
 * hints are coalesced: while one is being published, further ones become a single next one. When Redis is
 * down, publishing fails quietly (logged once per outage) and the subscription is retried with a growing
 * pause; the dispatch tick and the leases keep everything correct meanwhile.
 */
@ApplicationScoped
public class RedisReplicaBus implements ReplicaBus {

    private static final Logger LOG = Logger.getLogger(RedisReplicaBus.class);

    /** The channel of work hints. */
    public static final String WORK = "clawbot:work";
    /**
     * The channel of pushes relayed to whichever replica holds a bot's connection; followed by {@code :} and a
     * replica's name, the channel of pushes for that replica alone.
     */
    public static final String RELAY = "clawbot:relay";

    private static final int IDLE = 0;
    private static final int PUBLISHING = 1;
    private static final int AGAIN = 2;

    /** A relayed push, as it travels on {@value #RELAY}. */
    public record Relay(String origin, String kind, UUID botId, UUID taskId, int attempt, String reason) {

        public static final String ASSIGN = "assign";
        public static final String CANCEL = "cancel";
        /** Close the bot's session for good; {@code taskId} is {@code null}. */
        public static final String DISCONNECT = "disconnect";

        String encode() {
            return new JsonObject().put("origin", origin).put("kind", kind).put("bot_id", botId.toString())
                    .put("task_id", taskId == null ? null : taskId.toString()).put("attempt", attempt)
                    .put("reason", reason).encode();
        }

        /** The message, or {@code null} when it is not one. */
        static Relay decode(String text) {
            try {
                JsonObject json = new JsonObject(text);
                String kind = json.getString("kind");
                String taskId = json.getString("task_id");
                if (taskId == null && !DISCONNECT.equals(kind)) {
                    return null;
                }
                return new Relay(json.getString("origin"), kind, UUID.fromString(json.getString("bot_id")),
                        taskId == null ? null : UUID.fromString(taskId), json.getInteger("attempt"),
                        json.getString("reason"));
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    private final ReactivePubSubCommands<String> pubsub;
    private final String replicaId;
    private final AtomicInteger announcing = new AtomicInteger(IDLE);
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();

    public RedisReplicaBus(ReactiveRedisDataSource redis, ReplicaName name) {
        this.pubsub = redis.pubsub(String.class);
        this.replicaId = name.value();
    }

    /** Stops listening: a subscription lost from now on (the application is stopping) is not renewed. */
    public void stop() {
        stopped.set(true);
    }

    /** This replica's name on the bus. */
    public String replicaId() {
        return replicaId;
    }

    @Override
    public void announceWork() {
        if (announcing.getAndUpdate(s -> s == IDLE ? PUBLISHING : AGAIN) == IDLE) {
            publishHint();
        }
    }

    /**
     * What this replica sent and received on the bus since it started, for metrics: hints and relayed pushes, and
     * publishes Redis refused.
     */
    public record Counts(long hintsSent, long hintsReceived, long relaysSent, long relaysReceived,
            long publishFailures) {
    }

    /** Indexes into {@link #counts}. */
    private static final int HINTS_SENT = 0;
    private static final int HINTS_RECEIVED = 1;
    private static final int RELAYS_SENT = 2;
    private static final int RELAYS_RECEIVED = 3;
    private static final int PUBLISH_FAILURES = 4;

    private final AtomicLongArray counts = new AtomicLongArray(5);

    public Counts counts() {
        return new Counts(counts.get(HINTS_SENT), counts.get(HINTS_RECEIVED), counts.get(RELAYS_SENT),
                counts.get(RELAYS_RECEIVED), counts.get(PUBLISH_FAILURES));
    }

    private void publishHint() {
        counts.incrementAndGet(HINTS_SENT);
        publish(WORK, replicaId).subscribe().with(ignored -> afterHint(), failure -> afterHint());
    }

    private void afterHint() {
        if (announcing.getAndUpdate(s -> s == AGAIN ? PUBLISHING : IDLE) == AGAIN) {
            publishHint();
        }
    }

    @Override
    public void relayAssignment(Task task, String replica) {
        relay(task, Relay.ASSIGN, null, replica);
    }

    @Override
    public void relayCancel(Task task, String reason, String replica) {
        relay(task, Relay.CANCEL, reason, replica);
    }

    @Override
    public void relayDisconnect(BotId botId, String reason, String replica) {
        send(new Relay(replicaId, Relay.DISCONNECT, botId.value(), null, 0, reason), replica);
    }

    private void relay(Task task, String kind, String reason, String replica) {
        if (task.botId() == null) {
            return;
        }
        send(new Relay(replicaId, kind, task.botId().value(), task.id().value(), task.attempt(), reason), replica);
    }

    private void send(Relay message, String replica) {
        counts.incrementAndGet(RELAYS_SENT);
        publish(replica == null ? RELAY : relayChannel(replica), message.encode()).subscribe().with(ignored -> {
        }, ignored -> {
        });
    }

    /** The channel of pushes relayed to one replica. */
    public static String relayChannel(String replica) {
        return RELAY + ":" + replica;
    }

    /** Publishes; a failure is logged once per outage and swallowed. */
    private Uni<Void> publish(String channel, String message) {
        return pubsub.publish(channel, message)
                .invoke(() -> {
                    if (down.compareAndSet(true, false)) {
                        LOG.info("Redis is reachable again: replicas exchange hints and relayed pushes");
                    }
                })
                .onFailure().invoke(failure -> {
                    counts.incrementAndGet(PUBLISH_FAILURES);
                    if (down.compareAndSet(false, true)) {
                        LOG.warnf("Redis is unreachable (%s): other replicas learn of new work from their "
                                + "dispatch tick until it is back", failure.getMessage());
                    }
                });
    }

    /**
     * Subscribes to the work hints and relayed pushes of the other replicas, for as long as the application runs:
     * a lost subscription is retried with a growing pause (up to {@code maxPause}).
     */
    public void listen(Runnable onWork, Consumer<Relay> onRelay, Duration maxPause) {
        subscribe(onWork, onRelay, Duration.ofMillis(100), maxPause);
    }

    private void subscribe(Runnable onWork, Consumer<Relay> onRelay, Duration pause, Duration maxPause) {
        // The end, the failure and a failed subscribe may each report the same loss: one retry per attempt.
        AtomicBoolean retried = new AtomicBoolean();
        Runnable retry = () -> {
            if (stopped.get() || !retried.compareAndSet(false, true)) {
                return;
            }
            Duration next = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
            Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                    .subscribe().with(ignored -> subscribe(onWork, onRelay, next, maxPause));
        };
        pubsub.subscribe(List.of(WORK, RELAY, relayChannel(replicaId)), (channel, message) -> {
            try {
                if (WORK.equals(channel)) {
                    if (!replicaId.equals(message)) {
                        counts.incrementAndGet(HINTS_RECEIVED);
                        onWork.run();
                    }
                } else {
                    Relay relay = Relay.decode(message);
                    if (relay != null && !replicaId.equals(relay.origin())) {
                        counts.incrementAndGet(RELAYS_RECEIVED);
                        onRelay.accept(relay);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "handling a message on %s failed", channel);
            }
        }, () -> {
            if (!stopped.get()) {
                LOG.info("the Redis subscription ended; subscribing again");
            }
            retry.run();
        }, failure -> {
            LOG.debugf("the Redis subscription failed (%s); retrying in %s", failure.getMessage(), pause);
            retry.run();
        }).subscribe().with(subscribed -> LOG.debug("subscribed to the replicas' Redis channels"), failure -> {
            LOG.debugf("subscribing to Redis failed (%s); retrying in %s", failure.getMessage(), pause);
            retry.run();
        });
    }
}
