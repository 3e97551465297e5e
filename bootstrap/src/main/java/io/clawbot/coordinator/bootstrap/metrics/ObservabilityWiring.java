package io.clawbot.coordinator.bootstrap.metrics;

import io.clawbot.coordinator.bootstrap.tracing.WorkTraces;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Instant;

/** What the stores tell of the work goes to the metrics, the traces and the log. */
public class ObservabilityWiring {

    @Produces
    @Singleton
    WorkMetrics workMetrics(MeterRegistry registry, OpenTelemetry openTelemetry) {
        return new Both(new WorkMeters(registry), new Both(new WorkTraces(openTelemetry), new WorkLog()));
    }

    /** Tells two listeners, in order. */
    record Both(WorkMetrics first, WorkMetrics second) implements WorkMetrics {

        @Override
        public void moved(Task before, Task task, TaskTransitioned event) {
            first.moved(before, task, event);
            second.moved(before, task, event);
        }

        @Override
        public void dispatched(Task task, Instant readySince) {
            first.dispatched(task, readySince);
            second.dispatched(task, readySince);
        }

        @Override
        public void workflowStarted(Workflow workflow) {
            first.workflowStarted(workflow);
            second.workflowStarted(workflow);
        }

        @Override
        public void workflowEnded(Workflow workflow) {
            first.workflowEnded(workflow);
            second.workflowEnded(workflow);
        }
    }
}
