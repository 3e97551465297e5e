package io.clawbot.coordinator.bootstrap.cluster;

import io.clawbot.coordinator.adapters.persistence.redis.RedisReplicaBus.Relay;
import io.clawbot.coordinator.adapters.persistence.redis.RedisReplicaBus;
import io.clawbot.coordinator.adapters.ws.BotSessions;
import io.clawbot.coordinator.bootstrap.DispatchLoop;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Acts on the other replicas' messages: a work hint starts a local dispatch round; a relayed push reaches the bot
 * if its connection is here. An assignment is pushed only while the task is still held by that bot at that
 * attempt, so a late relay cannot resend work that has moved on.
 */
@ApplicationScoped
public class ReplicaListener {

    private static final Logger LOG = Logger.getLogger(ReplicaListener.class);
    private static final Duration MAX_RESUBSCRIBE_PAUSE = Duration.ofSeconds(5);

    private final RedisReplicaBus bus;
    private final DispatchLoop dispatch;
    private final BotSessions sessions;
    private final TaskStore tasks;

    public ReplicaListener(RedisReplicaBus bus, DispatchLoop dispatch, BotSessions sessions, TaskStore tasks) {
        this.bus = bus;
        this.dispatch = dispatch;
        this.sessions = sessions;
        this.tasks = tasks;
    }

    void onStart(@Observes StartupEvent event) {
        bus.listen(dispatch::hintFromAnotherReplica, this::relayed, MAX_RESUBSCRIBE_PAUSE);
    }

    void onStop(@Observes ShutdownEvent event) {
        bus.stop();
    }

    void relayed(Relay relay) {
        BotId bot = new BotId(relay.botId());
        if (Relay.DISCONNECT.equals(relay.kind())) {
            sessions.disconnect(bot, relay.reason()).subscribe().with(ignored -> {
            }, failure -> LOG.debugf("a relayed disconnect of bot %s failed: %s", bot, failure.getMessage()));
            return;
        }
        TaskId taskId = new TaskId(relay.taskId());
        if (Relay.CANCEL.equals(relay.kind())) {
            sessions.pushCancel(bot, taskId, relay.attempt(), relay.reason()).subscribe().with(ignored -> {
            }, failure -> LOG.debugf("a relayed cancel for task %s failed: %s", taskId, failure.getMessage()));
            return;
        }
        tasks.findById(taskId)
                .flatMap(task -> task != null && task.status().isHeldByBot() && bot.equals(task.botId())
                        && task.attempt() == relay.attempt()
                                ? sessions.pushAssignment(task)
                                : io.smallrye.mutiny.Uni.createFrom().item(false))
                .subscribe().with(ignored -> {
                }, failure -> LOG.debugf("a relayed assignment of task %s failed: %s", taskId, failure.getMessage()));
    }
}
