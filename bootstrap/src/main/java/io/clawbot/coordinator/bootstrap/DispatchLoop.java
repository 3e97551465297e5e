package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.application.task.Dispatcher;
import io.clawbot.coordinator.application.task.TaskLifecycle;
import io.clawbot.coordinator.bootstrap.config.DispatchConfig;
import io.clawbot.coordinator.domain.task.port.WorkSignal;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Turns "work may be available" signals into dispatch rounds. Signals that arrive while a round runs are
 * coalesced into one more round, so a burst of submissions costs a few rounds, not one each. A periodic tick
 * dispatches anyway (a lost signal only delays work by one tick), and a periodic sweep returns tasks whose
 * leases lapsed.
 */
@ApplicationScoped
public class DispatchLoop implements WorkSignal {

    private static final Logger LOG = Logger.getLogger(DispatchLoop.class);
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUN_AGAIN = 2;

    private final Dispatcher dispatcher;
    private final TaskLifecycle tasks;
    private final DispatchConfig config;
    private final AtomicInteger state = new AtomicInteger(IDLE);

    public DispatchLoop(Dispatcher dispatcher, TaskLifecycle tasks, DispatchConfig config) {
        this.dispatcher = dispatcher;
        this.tasks = tasks;
        this.config = config;
    }

    @Override
    public void workMayBeAvailable() {
        if (state.getAndUpdate(s -> s == IDLE ? RUNNING : RUN_AGAIN) == IDLE) {
            round();
        }
    }

    private void round() {
        dispatcher.dispatch().subscribe().with(assigned -> next(), failure -> {
            LOG.warnf(failure, "dispatch round failed; the next signal or tick retries");
            next();
        });
    }

    private void next() {
        // RUN_AGAIN -> RUNNING and go again; RUNNING -> IDLE and stop.
        if (state.getAndUpdate(s -> s == RUN_AGAIN ? RUNNING : IDLE) == RUN_AGAIN) {
            round();
        }
    }

    @Scheduled(every = "${coordinator.dispatch.tick-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        workMayBeAvailable();
    }

    @Scheduled(every = "${coordinator.dispatch.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return tasks.releaseExpiredLeases(config.sweepBatch())
                .invoke(released -> {
                    if (released > 0) {
                        LOG.infof("returned %d task(s) with lapsed leases to pending", released);
                    }
                })
                .onFailure().invoke(failure -> LOG.warn("lease sweep failed; the next sweep retries", failure))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
