package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.application.task.TaskWatch;
import io.clawbot.coordinator.application.workflow.WorkflowWatch;
import io.clawbot.coordinator.bootstrap.config.WatchConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Reads what this replica's waiting clients watch, every {@code coordinator.watch.interval}, on a Vert.x timer; a
 * tick with nobody waiting does nothing.
 */
@ApplicationScoped
public class WatchLoop {

    private static final Logger LOG = Logger.getLogger(WatchLoop.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final TaskWatch tasks;
    private final WorkflowWatch workflows;
    private final WatchConfig config;
    private final Vertx vertx;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private long timer = -1;

    public WatchLoop(TaskWatch tasks, WorkflowWatch workflows, WatchConfig config, Vertx vertx) {
        this.tasks = tasks;
        this.workflows = workflows;
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.interval().toMillis(), id -> tick());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void tick() {
        tasks.tick().subscribe().with(ignored -> {
        }, failure -> failed("task", failure));
        workflows.tick().subscribe().with(ignored -> {
        }, failure -> failed("workflow", failure));
    }

    /**
     * A failed read (the database is down) is retried by the next tick; it is logged once a minute at most, as a
     * tick comes five times a second.
     */
    private void failed(String kind, Throwable failure) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("reading what waiting clients watch (%ss) failed; the next tick reads again: %s", kind,
                    failure.getMessage());
        } else {
            LOG.debugf(failure, "%s watch tick failed", kind);
        }
    }
}
