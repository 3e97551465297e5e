package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.application.task.TaskWatch;
import io.clawbot.coordinator.application.workflow.WorkflowWatch;
import io.clawbot.coordinator.bootstrap.config.WatchConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Reads what this replica's waiting clients watch, every {@code coordinator.watch.interval}, on a Vert.x timer; a
 * tick with nobody waiting does nothing.
 */
@ApplicationScoped
public class WatchLoop {

    private static final Logger LOG = Logger.getLogger(WatchLoop.class);

    private final TaskWatch tasks;
    private final WorkflowWatch workflows;
    private final WatchConfig config;
    private final Vertx vertx;
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
        }, failure -> LOG.warnf(failure, "watch tick failed; the next one reads again"));
        workflows.tick().subscribe().with(ignored -> {
        }, failure -> LOG.warnf(failure, "workflow watch tick failed; the next one reads again"));
    }
}
