package io.clawbot.coordinator.bootstrap.trigger;

import io.clawbot.coordinator.adapters.rest.trigger.HookConfig;
import io.clawbot.coordinator.application.trigger.HookReplies;
import io.clawbot.coordinator.domain.trigger.port.DeliveryStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The triggers' background work on every replica: finishing deliveries a crash interrupted, posting replies whose
 * work has ended, and forgetting deliveries past their retention. The replicas need no coordination: finishing is
 * idempotent, and a reply is claimed in the database before it is posted.
 */
@ApplicationScoped
public class HookSweep {

    private static final Logger LOG = Logger.getLogger(HookSweep.class);
    private static final int BATCH = 50;

    private final HookReplies replies;
    private final DeliveryStore deliveries;
    private final HookConfig config;

    public HookSweep(HookReplies replies, DeliveryStore deliveries, HookConfig config) {
        this.replies = replies;
        this.deliveries = deliveries;
        this.config = config;
    }

    @Scheduled(every = "${coordinator.hooks.reply-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return replies.finishUnfinished(BATCH)
                .invoke(finished -> {
                    if (finished > 0) {
                        LOG.infof("triggers: finished %d interrupted delivery(ies)", finished);
                    }
                })
                .flatMap(ignored -> replies.postDue(BATCH))
                .onFailure().invoke(failure -> LOG.warn("trigger sweep failed; the next sweep retries", failure))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    @Scheduled(every = "10m", delayed = "2m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return deliveries.purge(Instant.now().minus(config.retention()), 10_000)
                .onFailure().invoke(failure -> LOG.warn("delivery clean-up failed; the next run retries", failure))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
