package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.adapters.persistence.postgres.DatabaseClock;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Keeps the {@link DatabaseClock} measured: once before the service takes requests, then every minute, since
 * clocks drift.
 */
@ApplicationScoped
public class ClockSync {

    private static final Logger LOG = Logger.getLogger(ClockSync.class);
    /** An offset beyond this is worth an operator's attention: the replica's clock is far off. */
    private static final Duration NOTABLE_OFFSET = Duration.ofSeconds(1);

    private final DatabaseClock clock;
    private final Pool pool;

    public ClockSync(DatabaseClock clock, Pool pool) {
        this.clock = clock;
        this.pool = pool;
    }

    void onStart(@Observes StartupEvent event) {
        try {
            report(clock.sync(pool).await().atMost(Duration.ofSeconds(10)));
        } catch (RuntimeException e) {
            LOG.warn("could not read the database's clock at start-up; using this replica's clock until the next "
                    + "measurement", e);
        }
    }

    @Scheduled(every = "60s", delayed = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> resync() {
        return clock.sync(pool).invoke(this::report)
                .onFailure().invoke(f -> LOG.warn("could not read the database's clock; the last offset stays", f))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void report(Duration offset) {
        if (offset.abs().compareTo(NOTABLE_OFFSET) > 0) {
            LOG.warnf("this replica's clock is %d ms off the database's; deadlines follow the database",
                    offset.toMillis());
        }
    }
}
