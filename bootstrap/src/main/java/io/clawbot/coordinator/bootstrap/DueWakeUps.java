package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Hears every committed write and, for a task written pending with a due time ahead (a retry's backoff, a
 * delay), asks the dispatch loop for a round at that time; likewise when a rate limit key's bucket lets its next
 * task go.
 */
public record DueWakeUps(DispatchLoop loop, InstantSource clock) implements WorkMetrics {

    @Override
    public void moved(Task before, Task task, TaskTransitioned event) {
        if (event.to() == TaskStatus.PENDING && task.runAt() != null) {
            loop.dueAt(task.runAt(), clock.instant());
        }
    }

    @Override
    public void rateLimited(String key, Instant nextAt) {
        loop.dueAt(nextAt, clock.instant());
    }
}
