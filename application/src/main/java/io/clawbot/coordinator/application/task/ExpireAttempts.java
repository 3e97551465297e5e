package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.RetryNote;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Ends the attempts that ran out of time, and those the coordinator takes back: lapsed leases, passed execution and
 * schedule-to-start deadlines, assignments handed back. Each task is handled once, whatever other replicas sweep at
 * the same time: the write is conditional on the version the sweep read, and a sweep that loses the race leaves the
 * task to the one that won (or to the next sweep). The bots are told to drop what they held.
 */
public final class ExpireAttempts {

    /** The most batches one sweep works off, while each it finds is full. */
    public static final int MAX_ROUNDS = 10;

    private final TaskLeases leases;
    private final TaskWriter writer;
    private final BotNotices notices;
    private final InstantSource clock;
    private final DoubleSupplier random;

    /** @param random numbers in [0, 1) for the jitter of retry backoffs */
    public ExpireAttempts(TaskLeases leases, TaskWriter writer, BotNotices notices, InstantSource clock,
            DoubleSupplier random) {
        this.leases = leases;
        this.writer = writer;
        this.notices = notices;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Ends the attempts whose bots let their leases lapse (no acceptance in time, or gone beyond the reconnect
     * grace): each goes back to pending or times out, by its retry policy.
     *
     * @return how many tasks were released
     */
    public Uni<Integer> releaseExpiredLeases(int limit) {
        return drain(() -> leases.expiredLeases(limit), task -> release(task, null), limit, MAX_ROUNDS);
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
        return each(held, task -> release(task, reason));
    }

    /**
     * Ends the tasks whose deadlines passed: running ones past their execution timeout (retried or timed out by
     * their policy; the bot is told to stop) and pending ones past their schedule-to-start limit (timed out).
     *
     * @return how many were handled
     */
    public Uni<Integer> expireDeadlines(int limit) {
        return drain(() -> leases.expiredDeadlines(limit), this::expire, limit, MAX_ROUNDS);
    }

    /**
     * Handles what {@code find} finds, and finds again while it found a full batch, up to {@code rounds} times: a
     * backlog of lapsed leases or passed deadlines (thousands of tasks whose schedule-to-start passed together, a
     * frozen replica's bots) is worked off in one sweep rather than a batch per sweep interval, while what every
     * sweep takes stays bounded.
     */
    private static Uni<Integer> drain(Supplier<Uni<List<Task>>> find, Function<Task, Uni<Boolean>> step, int limit,
            int rounds) {
        return find.get().flatMap(found -> each(found, step).flatMap(done -> found.size() < limit || rounds <= 1
                ? Uni.createFrom().item(done)
                : drain(find, step, limit, rounds - 1).map(more -> done + more)));
    }

    private Uni<Boolean> release(Task held, String reason) {
        Instant now = clock.instant();
        Transition<Task> transition = reason != null ? held.handBack(now) : held.releaseLease(now);
        if (!(transition instanceof Transition.Changed<Task> changed)) {
            return Uni.createFrom().item(false);
        }
        String why = reason != null ? reason : changed.next().error() + RetryNote.after(changed.next());
        return once(writer.write(held, transition, Actor.system(), why, now)
                .call(done -> notices.dropped(held, why)));
    }

    private Uni<Boolean> expire(Task task) {
        if (task.isApproval()) {
            return expireApproval(task);
        }
        Instant now = clock.instant();
        Transition<Task> transition = task.status() == TaskStatus.IN_PROGRESS
                ? task.timeOut(now, random.getAsDouble())
                : task.expireStartWindow(now);
        if (!(transition instanceof Transition.Changed<Task> changed)) {
            // Not yet past the deadline by this replica's reading of the clock: the next sweep looks again.
            return Uni.createFrom().item(false);
        }
        String why = changed.next().error() + RetryNote.after(changed.next());
        return once(writer.write(task, transition, Actor.system(), why, now)
                .call(done -> task.status().isHeldByBot()
                        ? notices.dropped(task, why)
                        : Uni.createFrom().item(false)));
    }

    /** An approval nobody decided in time: its default outcome applies, recorded as the decision of the clock. */
    private Uni<Boolean> expireApproval(Task task) {
        Instant now = clock.instant();
        if (task.deadlineAt() == null || now.isBefore(task.deadlineAt())) {
            return Uni.createFrom().item(false);
        }
        Object terms = task.payload() == null ? null : task.payload().get("approval");
        boolean approve = terms instanceof Map<?, ?> m && "approve".equals(m.get("default_outcome"));
        String why = "no decision within the approval's timeout: the default outcome, "
                + (approve ? "approve" : "reject") + ", applies";
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("decision", approve ? "approved" : "rejected");
        decision.put("by", Actor.system().value());
        decision.put("comment", why);
        decision.put("decided_at", now.toString());
        decision.put("timed_out", true);
        return once(writer.write(task, task.decide(approve, decision, why, now), Actor.system(), why, now));
    }

    /** Whether this sweep made the change: a lost race means another sweep (or a report) decided the task. */
    private static Uni<Boolean> once(Uni<Reported> write) {
        return write.replaceWith(true)
                .onFailure(f -> f instanceof ConflictException c && c.isConcurrentModification())
                .recoverWithItem(false);
    }

    private static Uni<Integer> each(List<Task> tasks, Function<Task, Uni<Boolean>> step) {
        if (tasks.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Uni<Boolean>> steps = new ArrayList<>(tasks.size());
        tasks.forEach(task -> steps.add(step.apply(task)));
        return Uni.join().all(steps).andCollectFailures()
                .map(done -> (int) done.stream().filter(Boolean::booleanValue).count());
    }
}
