package io.clawbot.coordinator.domain.task.port;

import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The leases of held tasks and the deadlines of open ones. A task gets the acknowledgement lease when it is
 * assigned and the running lease when it starts (both written with the lifecycle step); these calls renew, shorten
 * and find them. Expiry is judged by the store's clock.
 */
public interface TaskLeases {

    /** A task a bot says it is running, at an attempt. */
    record Running(TaskId taskId, int attempt) {
    }

    /** Renews the leases of the tasks a bot is running, from now (a heartbeat). */
    Uni<Void> renewRunningLeases(BotId botId);

    /**
     * Renews, from now, the leases of those of {@code running} that the bot is running at that attempt (a
     * heartbeat that names its tasks): a task the bot holds but no longer knows is left to lapse.
     */
    Uni<Void> renewRunningLeases(BotId botId, List<Running> running);

    /**
     * Renews the lease of one running task if the bot still holds it at this attempt (progress), and keeps
     * {@code progress} as the task's latest progress when given, in the same write and without changing the task's
     * version.
     *
     * @param progress what the bot reported, or {@code null} to keep the latest
     * @return whether it did
     */
    Uni<Boolean> renewLease(TaskId taskId, int attempt, BotId botId, Map<String, Object> progress);

    /** Shortens the leases of everything a bot holds to at most {@code grace} from now (it disconnected). */
    Uni<Void> shortenLeases(BotId botId, Duration grace);

    /**
     * Gives a bot that came back the running lease again for its running tasks. Assigned ones keep the lease they
     * have: the assignment sent again is not a new offer, so a bot that keeps dying before it accepts (a task that
     * kills it on arrival) cannot hold the task past its acknowledgement lease, and the attempt ends then.
     *
     * @return the tasks the bot holds
     */
    Uni<List<Task>> renewHeldLeases(BotId botId);

    /** Up to {@code limit} held tasks whose lease has expired by the store's clock, earliest first. */
    Uni<List<Task>> expiredLeases(int limit);

    /**
     * Up to {@code limit} tasks past their deadline by the store's clock, earliest first: pending ones past their
     * schedule-to-start limit and running ones past their execution timeout.
     */
    Uni<List<Task>> expiredDeadlines(int limit);
}
