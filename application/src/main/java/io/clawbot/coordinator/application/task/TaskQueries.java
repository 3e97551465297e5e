package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** Listing tasks. */
public final class TaskQueries {

    private final TaskStore tasks;

    public TaskQueries(TaskStore tasks) {
        this.tasks = tasks;
    }

    public Uni<List<Task>> list(TaskQuery query, PageRequest page) {
        return tasks.list(query, page);
    }
}
