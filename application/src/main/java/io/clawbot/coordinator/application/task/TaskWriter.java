package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.workflow.DagPlan;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a task's transition with everything that follows from it, in one unit of work: the bot's status when its
 * slot frees, and what follows for the task's workflow, which the store decides holding the workflow. Then it says
 * that work may be available when a slot freed or a task became pending. Every use case that moves a task the full
 * way writes through here.
 */
public final class TaskWriter {

    private final UnitOfWork unitOfWork;
    private final TaskStore tasks;
    private final BotRegistry bots;
    private final WorkSignal signal;
    private final Conditions conditions;

    public TaskWriter(UnitOfWork unitOfWork, TaskStore tasks, BotRegistry bots, WorkSignal signal) {
        this(unitOfWork, tasks, bots, signal, Conditions.NONE);
    }

    /** @param conditions the language of workflow steps' {@code when} conditions */
    public TaskWriter(UnitOfWork unitOfWork, TaskStore tasks, BotRegistry bots, WorkSignal signal,
            Conditions conditions) {
        this.conditions = conditions;
        this.unitOfWork = unitOfWork;
        this.tasks = tasks;
        this.bots = bots;
        this.signal = signal;
    }

    /**
     * Writes {@code transition} of {@code before} with what follows; an unchanged (repeated) transition writes
     * nothing, and a rejected one fails with its {@code InvalidTransitionException}.
     *
     * @param changes what the caller already adds to the same step (a bot taking the task, say)
     */
    public Uni<Reported> write(Task before, Transition<Task> transition, Actor actor, String reason, Instant now,
            TaskChanges.Builder changes) {
        Task after = transition.orThrow();
        if (transition instanceof Transition.Unchanged<Task>) {
            return Uni.createFrom().item(new Reported(after, true));
        }
        changes.task(before, after, actor, reason);
        if (after.workflowId() != null) {
            changes.follow(after.workflowId(), (workflow, steps) -> DagPlan.advance(workflow, steps, after, now,
                    conditions));
        }
        boolean freesSlot = before.status().isHeldByBot() && !after.status().isHeldByBot();
        return releaseBots(freesSlot ? List.of(before) : List.of(), now, changes)
                .flatMap(ignored -> unitOfWork.apply(changes.build()))
                .invoke(written -> {
                    if (freesSlot || written.madePending()) {
                        signal.workMayBeAvailable();
                    }
                })
                .replaceWith(new Reported(after, false));
    }

    /** {@link #write(Task, Transition, Actor, String, Instant, TaskChanges.Builder)} of the transition alone. */
    public Uni<Reported> write(Task before, Transition<Task> transition, Actor actor, String reason, Instant now) {
        return write(before, transition, actor, reason, now, TaskChanges.builder());
    }

    /**
     * The bots that held some of {@code released} are free of them: each bot's status follows from the tasks it
     * still holds, added to {@code changes} to be written in the same step.
     */
    public Uni<Void> releaseBots(List<Task> released, Instant now, TaskChanges.Builder changes) {
        Map<BotId, Long> freed = new LinkedHashMap<>();
        released.stream().filter(t -> t.botId() != null).forEach(t -> freed.merge(t.botId(), 1L, Long::sum));
        if (freed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<BotId> ids = List.copyOf(freed.keySet());
        List<Uni<Bot>> reads = ids.stream().map(bots::findById).toList();
        return Uni.combine().all().unis(tasks.countHeldBy(ids), Uni.join().all(reads).andFailFast())
                .with((Map<BotId, Long> held, List<Bot> found) -> {
                    for (Bot bot : found) {
                        if (bot != null) {
                            long left = held.getOrDefault(bot.id(), 0L) - freed.get(bot.id());
                            changes.bot(bot, bot.releasedTask(Math.max(0, left), now));
                        }
                    }
                    return null;
                });
    }
}
