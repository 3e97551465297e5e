package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;

/** Cancels an open task: its workflow's later steps follow, and a bot that held it is told. */
public final class CancelTask {

    private final TaskQueries queries;
    private final TaskWriter writer;
    private final BotNotices notices;
    private final InstantSource clock;

    public CancelTask(TaskQueries queries, TaskWriter writer, BotNotices notices, InstantSource clock) {
        this.queries = queries;
        this.writer = writer;
        this.notices = notices;
        this.clock = clock;
    }

    /** Cancelling again is a repeat; a finished task cannot be cancelled. */
    public Uni<Task> cancel(TaskId taskId, String reason) {
        return cancel(taskId, reason, Actor.api());
    }

    /** As {@link #cancel(TaskId, String)}, recorded as done by {@code actor}. */
    public Uni<Task> cancel(TaskId taskId, String reason, Actor actor) {
        String why = reason == null || reason.isBlank() ? "cancelled by request" : reason;
        return ConcurrentRetry.run(() -> queries.get(taskId).flatMap(task -> {
            Instant now = clock.instant();
            return writer.write(task, task.cancel(why, now), actor, why, now)
                    .call(done -> !done.duplicate() && task.status().isHeldByBot()
                            ? notices.dropped(task, why)
                            : Uni.createFrom().item(false));
        })).map(Reported::task);
    }
}
