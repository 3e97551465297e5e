package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.task.Task;

/** The answer to a report: the task as it is now, and whether the report was a repeat that changed nothing. */
public record Reported(Task task, boolean duplicate) {
}
