package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.adapters.persistence.postgres.IdempotencyKeyRetention;
import io.clawbot.coordinator.bootstrap.config.IdempotencyConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Periodic clean-up that any replica may run at any time: forgetting old idempotency keys. */
@ApplicationScoped
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class);

    private final IdempotencyKeyRetention keys;
    private final IdempotencyConfig config;

    public Housekeeping(IdempotencyKeyRetention keys, IdempotencyConfig config) {
        this.keys = keys;
        this.config = config;
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forgetOldIdempotencyKeys() {
        return keys.forgetOlderThan(config.retention())
                .invoke(deleted -> {
                    if (deleted > 0) {
                        LOG.infof("forgot %d idempotency key(s) older than %s", deleted, config.retention());
                    }
                })
                .onFailure().invoke(f -> LOG.warn("idempotency key clean-up failed; the next run retries", f))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
