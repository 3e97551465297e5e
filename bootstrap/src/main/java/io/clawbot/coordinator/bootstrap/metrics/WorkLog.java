package io.clawbot.coordinator.bootstrap.metrics;

import io.clawbot.coordinator.adapters.ws.LogFields;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import org.jboss.logging.Logger;

/**
 * The lines of the work's story an operator reads at INFO: a task that ends in the dead letters, a workflow run
 * that fails or is cancelled. Healthy work is logged at DEBUG only, so INFO grows with failures, never with
 * throughput. Each line carries the ids it is about, and the task's trace id, as fields.
 */
final class WorkLog implements WorkMetrics {

    private static final Logger LOG = Logger.getLogger("io.clawbot.coordinator.work");

    @Override
    public void moved(Task before, Task task, TaskTransitioned event) {
        if (event.from() == null || !event.to().isTerminal()) {
            return;
        }
        boolean deadLetter = event.to() == TaskStatus.FAILED || event.to() == TaskStatus.TIMED_OUT;
        if (!deadLetter && !LOG.isDebugEnabled()) {
            return;
        }
        Task held = before == null ? task : before;
        try (var fields = LogFields.of("task_id", task.id(), "task_type", task.type(), "workflow_id",
                task.workflowId(), "bot_id", held.botId(), "attempt", task.attempt(), "trace_id",
                LogFields.traceId(task.traceParent()))) {
            if (deadLetter) {
                LOG.infof("task %s (%s) %s for good after %d attempt(s)%s: %s", task.id(), label(task),
                        event.to() == TaskStatus.FAILED ? "failed" : "timed out", task.attempt(),
                        task.errorCode() == null ? "" : " [" + task.errorCode() + "]", event.reason());
            } else {
                LOG.debugf("task %s (%s) %s", task.id(), label(task), event.to().wire());
            }
        }
    }

    @Override
    public void workflowEnded(Workflow workflow) {
        boolean healthy = workflow.status() == WorkflowStatus.COMPLETED;
        if (healthy && !LOG.isDebugEnabled()) {
            return;
        }
        try (var fields = LogFields.of("workflow_id", workflow.id(), "workflow_name", workflow.name())) {
            if (healthy) {
                LOG.debugf("workflow %s (%s) completed", workflow.id(), workflow.name());
            } else {
                LOG.infof("workflow %s (%s) %s", workflow.id(), workflow.name(), workflow.status().wire());
            }
        }
    }

    private static String label(Task task) {
        return task.type() == null ? "any type" : task.type();
    }
}
