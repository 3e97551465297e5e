package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.application.watch.Watches;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Clients waiting for a task: to end ({@code ?wait=}), or following its changes (its stream). A task's state
 * changes with its version (every transition) and with the progress a bot reports (which leaves the version
 * alone).
 */
public final class TaskWatch {

    private final Watches<TaskId, Task> watches;
    private final TaskStore tasks;

    public TaskWatch(TaskStore tasks, int limit) {
        this.tasks = tasks;
        this.watches = new Watches<>(ids -> tasks.findByIds(ids).map(found -> {
            Map<TaskId, Task> byId = new HashMap<>();
            found.forEach(t -> byId.put(t.id(), t));
            return byId;
        }), TaskWatch::stamp, t -> t.status().isTerminal(), id -> new NotFoundException("task", id), limit);
    }

    private static Object stamp(Task t) {
        return Arrays.asList(t.version(), t.progress() == null ? null : t.progress().reportedAt());
    }

    /** The task once it has ended, or as it is after {@code max}. */
    public Uni<Task> untilEnded(Task current, Duration max) {
        if (current.status().isTerminal() || max.isZero()) {
            return Uni.createFrom().item(current);
        }
        return watches.untilEnded(current.id(), max,
                () -> tasks.findById(current.id()).onItem().ifNull()
                        .failWith(() -> new NotFoundException("task", current.id())));
    }

    /** The task's states as they change, from the next tick; completes after it ends. */
    public Multi<Task> changes(TaskId id) {
        return watches.follow(id);
    }

    /** Reads every watched task once and tells the watchers what changed. */
    public Uni<Void> tick() {
        return watches.tick();
    }

    /** How many clients wait on tasks here now. */
    public int watching() {
        return watches.watching();
    }
}
