package io.clawbot.coordinator.bootstrap.metrics;

import io.clawbot.coordinator.application.bot.BotHealthWatch;
import io.clawbot.coordinator.application.insight.RecentDispatches;
import io.clawbot.coordinator.bootstrap.DispatchLoop;
import io.clawbot.coordinator.bootstrap.DueWakeUps;
import io.clawbot.coordinator.bootstrap.tracing.WorkTraces;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.InstantSource;
import org.jboss.logging.Logger;

/**
 * What the stores tell of the work goes to the metrics, the traces, the log, the recent dispatches the status
 * shows, the dispatch loop's wake-ups for tasks due later, and the bots' health scores.
 */
public class ObservabilityWiring {

    /** Typed as itself only: it is one of the work's listeners, not the one the stores are given. */
    @Produces
    @Singleton
    @Typed(RecentDispatches.class)
    RecentDispatches recentDispatches(InstantSource clock) {
        return new RecentDispatches(clock);
    }

    /** The dispatch loop's wake-ups for tasks due later hear the same writes (the loop is a proxy: no cycle). */
    @Produces
    @Singleton
    WorkMetrics workMetrics(MeterRegistry registry, OpenTelemetry openTelemetry, RecentDispatches recent,
            DispatchLoop loop, InstantSource clock, BotHealthWatch health) {
        return new Both(new WorkMeters(registry), new Both(new WorkTraces(openTelemetry),
                new Both(new WorkLog(), new Both(recent, new Both(new DueWakeUps(loop, clock), health)))));
    }

    /**
     * Tells two listeners, in order. They are called after a write committed, inside its answer: a listener that
     * throws is logged and skipped, never failing the write or keeping the other listener from hearing.
     */
    record Both(WorkMetrics first, WorkMetrics second) implements WorkMetrics {

        private static final Logger LOG = Logger.getLogger(Both.class);

        @Override
        public void moved(Task before, Task task, TaskTransitioned event) {
            safely(() -> first.moved(before, task, event));
            safely(() -> second.moved(before, task, event));
        }

        @Override
        public void dispatched(Task task, Instant readySince) {
            safely(() -> first.dispatched(task, readySince));
            safely(() -> second.dispatched(task, readySince));
        }

        @Override
        public void rateLimited(String key, Instant nextAt) {
            safely(() -> first.rateLimited(key, nextAt));
            safely(() -> second.rateLimited(key, nextAt));
        }

        @Override
        public void workflowStarted(Workflow workflow) {
            safely(() -> first.workflowStarted(workflow));
            safely(() -> second.workflowStarted(workflow));
        }

        @Override
        public void workflowEnded(Workflow workflow) {
            safely(() -> first.workflowEnded(workflow));
            safely(() -> second.workflowEnded(workflow));
        }

        private static void safely(Runnable call) {
            try {
                call.run();
            } catch (RuntimeException e) {
                LOG.debug("a metric, span or log line of the work was not recorded", e);
            }
        }
    }
}
