package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskChanges;
import io.clawbot.coordinator.domain.task.TaskId;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A {@link FakeTaskStore} that lets a test stage lost races: before an upcoming {@link #apply} it can run a
 * competing writer (whose change then makes the step's versions stale for real), or simply refuse the write
 * with a concurrent-modification conflict.
 */
public final class RacingTaskStore implements TaskStore {

    private final FakeTaskStore delegate;
    private final Deque<Runnable> beforeApply = new ArrayDeque<>();
    private int applyCalls;

    public RacingTaskStore(FakeTaskStore delegate) {
        this.delegate = delegate;
    }

    /** The next apply is refused as if another request had written first; nothing is written. */
    public RacingTaskStore failNextApply() {
        beforeApply.add(() -> {
            throw ConflictException.concurrentModification("Task");
        });
        return this;
    }

    /** Runs {@code competitor} just before the next apply, between the step's read and its write. */
    public RacingTaskStore beforeNextApply(Runnable competitor) {
        beforeApply.add(competitor);
        return this;
    }

    /** Every call of apply, the refused ones included. */
    public synchronized int applyCalls() {
        return applyCalls;
    }

    @Override
    public Uni<TaskChanges> apply(TaskChanges changes) {
        return Uni.createFrom().deferred(() -> {
            Runnable race;
            synchronized (this) {
                applyCalls++;
                race = beforeApply.poll();
            }
            if (race != null) {
                race.run();
            }
            return delegate.apply(changes);
        });
    }

    @Override
    public Uni<Created<Task>> create(Task task, TaskTransitioned creation, IdempotencyKey key) {
        return delegate.create(task, creation, key);
    }

    @Override
    public Uni<Task> findById(TaskId id) {
        return delegate.findById(id);
    }

    @Override
    public Uni<List<Task>> list(TaskQuery query, PageRequest page) {
        return delegate.list(query, page);
    }

    @Override
    public Uni<List<Task>> findByWorkflow(WorkflowId workflowId) {
        return delegate.findByWorkflow(workflowId);
    }

    @Override
    public Uni<Long> countHeldBy(BotId botId) {
        return delegate.countHeldBy(botId);
    }

    @Override
    public Uni<java.util.Map<BotId, Long>> countHeldBy(List<BotId> botIds) {
        return delegate.countHeldBy(botIds);
    }

    @Override
    public Uni<List<Task>> claim(BotId botId, List<String> capabilities, int slots) {
        return delegate.claim(botId, capabilities, slots);
    }

    @Override
    public Uni<Task> reportHeld(TaskId taskId, BotId botId, Integer attempt, HeldReport report,
            Map<String, Object> result, String error, String errorCode) {
        return delegate.reportHeld(taskId, botId, attempt, report, result, error, errorCode);
    }

    @Override
    public Uni<Void> renewRunningLeases(BotId botId) {
        return delegate.renewRunningLeases(botId);
    }

    @Override
    public Uni<Boolean> renewLease(TaskId taskId, int attempt, BotId botId) {
        return delegate.renewLease(taskId, attempt, botId);
    }

    @Override
    public Uni<Void> shortenLeases(BotId botId, Duration grace) {
        return delegate.shortenLeases(botId, grace);
    }

    @Override
    public Uni<List<Task>> renewHeldLeases(BotId botId) {
        return delegate.renewHeldLeases(botId);
    }

    @Override
    public Uni<List<Task>> expiredLeases(int limit) {
        return delegate.expiredLeases(limit);
    }

    @Override
    public Uni<Boolean> delete(TaskId id, long expectedVersion) {
        return delegate.delete(id, expectedVersion);
    }

    @Override
    public Uni<List<io.clawbot.coordinator.domain.task.TaskTransitioned>> history(TaskId id) {
        return delegate.history(id);
    }

    @Override
    public Uni<Void> renewRunningLeases(BotId botId, List<Running> running) {
        return delegate.renewRunningLeases(botId, running);
    }

    @Override
    public Uni<List<Task>> expiredDeadlines(int limit) {
        return delegate.expiredDeadlines(limit);
    }
}
