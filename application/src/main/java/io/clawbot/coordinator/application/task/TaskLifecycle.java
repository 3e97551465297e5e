package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.bot.port.BotChannel;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.Refusal;
import io.clawbot.coordinator.domain.common.Rejection;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskChanges;
import io.clawbot.coordinator.domain.task.TaskId;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.task.port.WorkSignal;
import io.clawbot.coordinator.domain.workflow.DagPlan;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Every change of a task's state: submission, assignment, the reports of the bot working on it,
 * cancellation and deletion. Each step reads the task, lets the domain decide, and writes the task, its
 * history entry, the bot's status and the workflow's advance in one conditional write.
 */
public final class TaskLifecycle {

    private final TaskStore tasks;
    private final BotRegistry bots;
    private final WorkflowStore workflows;
    private final BotChannel channel;
    private final IdSource ids;
    private final InstantSource clock;
    private final WorkSignal signal;
    private final RetryDefaults retryDefaults;
    private final DoubleSupplier random;

    /**
     * @param retryDefaults the retry policy of new tasks before the client's choices
     * @param random numbers in [0, 1) for the jitter of retry backoffs
     */
    public TaskLifecycle(TaskStore tasks, BotRegistry bots, WorkflowStore workflows, BotChannel channel, IdSource ids,
            InstantSource clock, WorkSignal signal, RetryDefaults retryDefaults, DoubleSupplier random) {
        this.tasks = tasks;
        this.bots = bots;
        this.workflows = workflows;
        this.channel = channel;
        this.ids = ids;
        this.clock = clock;
        this.signal = signal;
        this.retryDefaults = retryDefaults;
        this.random = random;
    }

    /** The answer to a report: the task as it is now, and whether the report was a repeat that changed nothing. */
    public record Reported(Task task, boolean duplicate) {
    }

    public Uni<Created<Task>> submit(SubmitTaskCommand command) {
        TaskSpec spec = command.spec();
        Task task = Task.create(new TaskId(ids.next()), spec, retryDefaults.resolve(spec.type(), spec.retry()),
                clock.instant());
        return tasks.create(task, TaskTransitioned.created(task, Actor.api()), command.idempotencyKey())
                .invoke(created -> signal.workMayBeAvailable());
    }

    public Uni<Task> get(TaskId id) {
        return tasks.findById(id).onItem().ifNull().failWith(() -> new NotFoundException("task", id));
    }

    /**
     * Assigns a pending task to a bot that has its capability, as a new attempt, and pushes it to the bot if
     * the bot is connected here. An online bot becomes busy.
     */
    public Uni<Task> assign(TaskId taskId, BotId botId) {
        return ConcurrentRetry.run(() -> get(taskId).flatMap(task -> bots.findById(botId)
                .onItem().ifNull().failWith(() -> new NotFoundException("bot", botId))
                .flatMap(bot -> {
                    Instant now = clock.instant();
                    TaskChanges.Builder changes = TaskChanges.builder();
                    return tasks.countHeldBy(botId).flatMap(held -> {
                        changes.bot(bot, bot.tookTask(held + 1, now));
                        return write(task, task.assign(bot, now), Actor.api(), "assigned to bot " + botId, now,
                                changes);
                    });
                })).map(Reported::task))
                .call(assigned -> channel.pushAssignment(assigned));
    }

    /**
     * Re-sends an assigned or running task to its bot, here or through the replica holding its connection; fails
     * when no replica is known to hold it.
     */
    public Uni<Task> broadcast(TaskId taskId) {
        return get(taskId).flatMap(task -> {
            if (!task.status().isHeldByBot()) {
                return Uni.createFrom()
                        .failure(new InvalidTransitionException(Refusal.WRONG_STATUS, "Task " + taskId + " is "
                                + task.status().wire() + "; only an assigned or running task can be sent to its bot"));
            }
            return channel.pushAssignment(task).flatMap(sent -> sent
                    ? Uni.createFrom().item(task)
                    : Uni.createFrom().failure(new ConflictException("bot-not-connected",
                            "Bot " + task.botId() + " has no live connection to any coordinator replica")));
        });
    }

    /** Applies a bot's or operator's report; a stale one is rejected, a duplicate answers with the stored state. */
    public Uni<Task> report(TaskReport report) {
        return reportOutcome(report).map(Reported::task);
    }

    /** Like {@link #report(TaskReport)}, and says whether the report was a repeat. */
    public Uni<Reported> reportOutcome(TaskReport report) {
        return ConcurrentRetry.run(() -> get(report.taskId()).flatMap(task -> {
            Instant now = clock.instant();
            Transition<Task> transition = switch (report) {
                case TaskReport.Start s -> task.start(s.fence(), now);
                case TaskReport.Complete c -> task.complete(c.fence(), c.result(), now);
                case TaskReport.Fail f -> task.fail(f.fence(), f.error(), f.errorCode(), now, random.getAsDouble());
            };
            String reason = switch (report) {
                case TaskReport.Start s -> "started";
                case TaskReport.Complete c -> "completed";
                case TaskReport.Fail f -> "failed: " + f.error() + retryNote(transition);
            };
            return write(task, transition, report.actor(), reason, now, TaskChanges.builder());
        }));
    }

    /** Cancels an open task; its workflow's later steps are cancelled with it; a bot that held it is told. */
    public Uni<Task> cancel(TaskId taskId, String reason) {
        String why = reason == null || reason.isBlank() ? "cancelled by request" : reason;
        return ConcurrentRetry.run(() -> get(taskId).flatMap(task -> {
            Instant now = clock.instant();
            return write(task, task.cancel(why, now), Actor.api(), why, now, TaskChanges.builder())
                    .call(done -> !done.duplicate() && task.status().isHeldByBot()
                            ? tellBot(task, why)
                            : Uni.createFrom().item(false));
        })).map(Reported::task);
    }

    /**
     * Ends the attempts whose bots let their leases lapse (no acceptance in time, or gone beyond the reconnect
     * grace): each goes back to pending or times out, by its retry policy, once, whatever other replicas sweep at
     * the same time; its bot, if connected here, is told to drop it.
     *
     * @return how many tasks were released
     */
    public Uni<Integer> releaseExpiredLeases(int limit) {
        return tasks.expiredLeases(limit).flatMap(expired -> releaseAssignments(expired, null));
    }

    /**
     * Ends the attempts of these held tasks, each once; their bots are told. With a reason the coordinator takes
     * them back for its own sake and they go back to pending without spending an attempt; without one their
     * leases lapsed and the retry policy decides between another attempt and timing out.
     *
     * @param reason why, for the history and the bots; {@code null} means their leases lapsed
     * @return how many were released
     */
    public Uni<Integer> releaseAssignments(List<Task> held, String reason) {
        if (held.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Uni<Boolean>> releases = new ArrayList<>(held.size());
        for (Task task : held) {
            releases.add(releaseLease(task, reason));
        }
        return Uni.join().all(releases).andCollectFailures()
                .map(done -> (int) done.stream().filter(Boolean::booleanValue).count());
    }

    private Uni<Boolean> releaseLease(Task expired, String reason) {
        Instant now = clock.instant();
        Transition<Task> transition = reason != null ? expired.handBack(now) : expired.releaseLease(now);
        if (!(transition instanceof Transition.Changed<Task> changed)) {
            return Uni.createFrom().item(false);
        }
        String why = reason != null ? reason : changed.next().error() + retryNote(transition);
        return write(expired, transition, Actor.system(), why, now, TaskChanges.builder())
                .call(done -> tellBot(expired, why))
                .replaceWith(true)
                .onFailure(f -> f instanceof ConflictException c && c.isConcurrentModification())
                .recoverWithItem(false);
    }

    /**
     * Ends the tasks whose deadlines passed: running ones past their execution timeout (retried or timed out by
     * their policy; the bot is told to stop) and pending ones past their schedule-to-start limit (timed out).
     * Each is handled once, whatever other replicas sweep at the same time.
     *
     * @return how many were handled
     */
    public Uni<Integer> expireDeadlines(int limit) {
        return tasks.expiredDeadlines(limit).flatMap(expired -> {
            if (expired.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Uni<Boolean>> timeouts = new ArrayList<>(expired.size());
            for (Task task : expired) {
                timeouts.add(expireDeadline(task));
            }
            return Uni.join().all(timeouts).andCollectFailures()
                    .map(done -> (int) done.stream().filter(Boolean::booleanValue).count());
        });
    }

    private Uni<Boolean> expireDeadline(Task task) {
        Instant now = clock.instant();
        Transition<Task> transition = task.status() == TaskStatus.IN_PROGRESS
                ? task.timeOut(now, random.getAsDouble())
                : task.expireStartWindow(now);
        if (!(transition instanceof Transition.Changed<Task> changed)) {
            // Not yet past the deadline by this replica's reading of the clock: the next sweep looks again.
            return Uni.createFrom().item(false);
        }
        String why = changed.next().error() + retryNote(transition);
        return write(task, transition, Actor.system(), why, now, TaskChanges.builder())
                .call(done -> task.status().isHeldByBot() ? tellBot(task, why) : Uni.createFrom().item(false))
                .replaceWith(true)
                .onFailure(f -> f instanceof ConflictException c && c.isConcurrentModification())
                .recoverWithItem(false);
    }

    /** Puts a failed or timed-out task (from the dead-letter list) back in the queue with a fresh set of attempts. */
    public Uni<Task> redrive(TaskId taskId) {
        return ConcurrentRetry.run(() -> get(taskId).flatMap(task -> {
            Instant now = clock.instant();
            return write(task, task.redrive(now), Actor.api(), "redriven from the dead-letter list", now,
                    TaskChanges.builder());
        })).map(Reported::task);
    }

    /** What follows an ended attempt, for the history: the retry and when, or that no attempt is left. */
    private static String retryNote(Transition<Task> transition) {
        if (!(transition instanceof Transition.Changed<Task> changed)) {
            return "";
        }
        Task next = changed.next();
        if (next.status() == TaskStatus.PENDING) {
            String when = next.runAt() == null
                    ? "at once"
                    : "in " + String.format(Locale.ROOT, "%.1f",
                            Duration.between(next.updatedAt(), next.runAt()).toMillis() / 1000.0) + " s";
            return "; retry as attempt " + (next.attemptsMade() + 1) + " of " + next.retry().maxAttempts() + " "
                    + when;
        }
        if (next.isDeadLetter()) {
            return next.retry().allowsRetry(next.attemptsMade(), next.errorCode())
                    ? ""
                    : next.attemptsMade() >= next.retry().maxAttempts()
                            ? "; no attempts left (" + next.retry().maxAttempts() + " made)"
                            : "; error code " + next.errorCode() + " is not retried";
        }
        return "";
    }

    /**
     * Cancels a workflow: every open step is cancelled in one write with the workflow, and the bots holding
     * steps are told. Cancelling a finished workflow is rejected; cancelling it again is a repeat.
     */
    public Uni<Workflow> cancelWorkflow(WorkflowId workflowId, String reason) {
        String why = reason == null || reason.isBlank() ? "workflow cancelled by request" : reason;
        return ConcurrentRetry.run(() -> workflows.findById(workflowId)
                .onItem().ifNull().failWith(() -> new NotFoundException("workflow", workflowId))
                .flatMap(workflow -> tasks.findByWorkflow(workflowId).flatMap(steps -> {
                    if (workflow.status() == io.clawbot.coordinator.domain.workflow.WorkflowStatus.CANCELLED) {
                        return Uni.createFrom().item(workflow);
                    }
                    if (workflow.status().isTerminal()) {
                        return Uni.createFrom()
                                .failure(new InvalidTransitionException(Refusal.ALREADY_ENDED, "Workflow " + workflowId
                                        + " is already " + workflow.status().wire() + "; it cannot be cancelled"));
                    }
                    Instant now = clock.instant();
                    TaskChanges.Builder changes = TaskChanges.builder();
                    List<Task> held = DagPlan.cancel(workflow, steps, why, now, changes);
                    return freeBots(held, now, changes).flatMap(ignored -> {
                        TaskChanges built = changes.build();
                        Workflow cancelled = built.workflows().getFirst().next();
                        return tasks.apply(built).invoke(signal::workMayBeAvailable).replaceWith(cancelled)
                                .call(() -> tellBots(held, why));
                    });
                })));
    }

    /** The bots that held some of {@code held} are free of them: their status follows. */
    private Uni<Void> freeBots(List<Task> held, Instant now, TaskChanges.Builder changes) {
        java.util.Map<BotId, Long> freed = new java.util.LinkedHashMap<>();
        held.stream().filter(t -> t.botId() != null).forEach(t -> freed.merge(t.botId(), 1L, Long::sum));
        if (freed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<BotId> ids = List.copyOf(freed.keySet());
        return tasks.countHeldBy(ids).flatMap(counts -> {
            List<Uni<Bot>> reads = new ArrayList<>(ids.size());
            ids.forEach(id -> reads.add(bots.findById(id)));
            return Uni.join().all(reads).andFailFast().invoke(found -> {
                for (Bot bot : found) {
                    if (bot != null) {
                        long left = counts.getOrDefault(bot.id(), 0L) - freed.get(bot.id());
                        changes.bot(bot, bot.releasedTask(Math.max(0, left), now));
                    }
                }
            }).replaceWithVoid();
        });
    }

    private Uni<Void> tellBots(List<Task> held, String reason) {
        if (held.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Boolean>> pushes = new ArrayList<>(held.size());
        held.forEach(task -> pushes.add(tellBot(task, reason)));
        return Uni.join().all(pushes).andCollectFailures().replaceWithVoid();
    }

    /** Deletes a standalone task that no bot holds, with its history. */
    public Uni<Void> delete(TaskId taskId) {
        return get(taskId).flatMap(task -> {
            Rejection blocker = task.deletionBlocker();
            if (blocker != null) {
                return Uni.createFrom().failure(blocker.toException());
            }
            return tasks.delete(taskId, task.version()).flatMap(deleted -> deleted
                    ? Uni.createFrom().voidItem()
                    : Uni.createFrom().failure(ConflictException.concurrentModification("Task " + taskId)));
        });
    }

    /**
     * Writes a task's transition with everything that follows from it: the bot's status and the workflow's
     * advance, which the store decides holding the workflow. An unchanged (repeated) transition writes nothing.
     */
    private Uni<Reported> write(Task before, Transition<Task> transition, Actor actor, String reason, Instant now,
            TaskChanges.Builder changes) {
        Task after = transition.orThrow();
        if (transition instanceof Transition.Unchanged<Task>) {
            return Uni.createFrom().item(new Reported(after, true));
        }
        changes.task(before, after, actor, reason);
        if (after.workflowId() != null) {
            changes.follow(after.workflowId(),
                    (workflow, steps, more) -> DagPlan.advance(workflow, steps, after, now, more));
        }
        boolean freesSlot = before.status().isHeldByBot() && !after.status().isHeldByBot();
        return releaseBot(before, after, now, changes)
                .flatMap(ignored -> tasks.apply(changes.build()))
                .invoke(written -> {
                    if (freesSlot
                            || written.tasks().stream().anyMatch(v -> v.next().status() == TaskStatus.PENDING)) {
                        signal.workMayBeAvailable();
                    }
                })
                .replaceWith(new Reported(after, false));
    }

    /** Tells a bot to drop a task. The change is already durable: if the push fails, the bot learns it when its next report is refused. */
    private Uni<Boolean> tellBot(Task held, String reason) {
        return channel.pushCancel(held, reason).onFailure().recoverWithItem(false);
    }

    /** A bot that finished its last held task is free again. */
    private Uni<Void> releaseBot(Task before, Task after, Instant now, TaskChanges.Builder changes) {
        if (!before.status().isHeldByBot() || after.status().isHeldByBot() || before.botId() == null) {
            return Uni.createFrom().voidItem();
        }
        return Uni.combine().all().unis(bots.findById(before.botId()), tasks.countHeldBy(before.botId()))
                .with((Bot bot, Long held) -> {
                    if (bot != null) {
                        changes.bot(bot, bot.releasedTask(held - 1, now));
                    }
                    return null;
                });
    }

}
