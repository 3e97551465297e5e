package io.clawbot.coordinator.application.workflow;

import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.workflow.Workflow;
import java.util.List;

/** A workflow and its steps in order. */
public record WorkflowWithTasks(Workflow workflow, List<Task> tasks) {

    public WorkflowWithTasks {
        tasks = List.copyOf(tasks);
    }
}
