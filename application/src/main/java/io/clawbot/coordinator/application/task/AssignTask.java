package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.Refusal;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;

/** An operator's assignment of a task to a chosen bot, and the re-sending of an assignment to its bot. */
public final class AssignTask {

    private final TaskQueries queries;
    private final TaskStore tasks;
    private final BotRegistry bots;
    private final TaskWriter writer;
    private final BotChannel channel;
    private final InstantSource clock;

    public AssignTask(TaskQueries queries, TaskStore tasks, BotRegistry bots, TaskWriter writer, BotChannel channel,
            InstantSource clock) {
        this.queries = queries;
        this.tasks = tasks;
        this.bots = bots;
        this.writer = writer;
        this.channel = channel;
        this.clock = clock;
    }

    /**
     * Assigns a pending task to a bot that has its capability, as a new attempt, and pushes it to the bot wherever
     * it is connected. An online bot becomes busy when its slots are full.
     */
    public Uni<Task> assign(TaskId taskId, BotId botId) {
        return assign(taskId, botId, Actor.api());
    }

    /** As {@link #assign(TaskId, BotId)}, recorded as done by {@code actor}. */
    public Uni<Task> assign(TaskId taskId, BotId botId, Actor actor) {
        return ConcurrentRetry.run(() -> queries.get(taskId).flatMap(task -> bots.findById(botId)
                .onItem().ifNull().failWith(() -> new NotFoundException("bot", botId))
                .flatMap(bot -> tasks.countHeldBy(botId).flatMap(held -> {
                    Instant now = clock.instant();
                    TaskChanges.Builder changes = TaskChanges.builder().bot(bot, bot.tookTask(held + 1, now));
                    return writer.write(task, task.assign(bot, now), actor, "assigned to bot " + botId, now,
                            changes);
                }))).map(Reported::task))
                .call(assigned -> channel.pushAssignment(assigned));
    }

    /**
     * Re-sends an assigned or running task to its bot, here or through the replica holding its connection; fails
     * when no replica is known to hold it.
     */
    public Uni<Task> resend(TaskId taskId) {
        return queries.get(taskId).flatMap(task -> {
            if (!task.status().isHeldByBot()) {
                return Uni.createFrom().failure(new InvalidTransitionException(Refusal.WRONG_STATUS, "Task " + taskId
                        + " is " + task.status().wire() + "; only an assigned or running task can be sent to its bot"));
            }
            return channel.pushAssignment(task).flatMap(sent -> sent
                    ? Uni.createFrom().item(task)
                    : Uni.createFrom().failure(new ConflictException("bot-not-connected",
                            "Bot " + task.botId() + " has no live connection to any coordinator replica")));
        });
    }
}
