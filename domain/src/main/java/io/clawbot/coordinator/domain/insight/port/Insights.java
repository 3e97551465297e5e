package io.clawbot.coordinator.domain.insight.port;

import io.clawbot.coordinator.domain.insight.Capacity;
import io.clawbot.coordinator.domain.insight.FleetStatus;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/** Read-only summaries of the work and the fleet, for people and their tools. */
public interface Insights {

    /** The work and the fleet now; {@code now} decides what is delayed and the last minute. */
    Uni<FleetStatus> status(Instant now);

    /** The bots that could take tasks of {@code type} ({@code null}: any bot) and their room. */
    Uni<Capacity> capacity(String type);

    /**
     * How many tasks that may run now come before this pending one in claim order (higher priority, then older)
     * among those a bot able to take it could take instead: the same type, and tasks without a type.
     */
    Uni<Long> ahead(Task task, Instant now);

    /** The tasks of concurrency key {@code key} that bots hold (assigned or running), at most {@code limit}. */
    Uni<List<TaskId>> holdingKey(String key, int limit);

    /**
     * The bucket of rate limit key {@code key}: its theoretical arrival time ({@code RateLimit}); {@code null} when
     * it is full or the key has none.
     */
    Uni<Instant> rateBucket(String key);
}
