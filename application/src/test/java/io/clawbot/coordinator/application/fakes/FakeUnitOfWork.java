package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges.Versioned;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Lifecycle steps written in memory with the port's contract: all or nothing, each row conditional on the version
 * it was read at and raised by one when written, what follows for a workflow decided from its steps as stored
 * (the database's lock is the workflow's lock), and leases that follow the status: the acknowledgement lease for a
 * new assignment, the running lease for a start, none once no bot holds the task.
 */
public final class FakeUnitOfWork implements UnitOfWork {

    private final InMemoryDatabase db;
    private final Duration ackTimeout;
    private final Duration lease;
    private int applied;
    private int rejected;

    public FakeUnitOfWork(InMemoryDatabase db, ChannelTerms terms) {
        this.db = db;
        this.ackTimeout = terms.ackTimeout();
        this.lease = terms.lease();
    }

    @Override
    public Uni<TaskChanges> apply(TaskChanges given) {
        return Uni.createFrom().item(() -> write(given));
    }

    /** The write itself, at once, under the database's lock (which a caller in this package may already hold). */
    TaskChanges write(TaskChanges given) {
        {
            synchronized (db) {
                if (given.isEmpty()) {
                    return given;
                }
                TaskChanges changes = follow(given);
                checkVersions(changes);
                for (Versioned<Task> v : changes.tasks()) {
                    Task before = db.tasks.get(v.next().id());
                    db.tasks.put(v.next().id(), InMemoryDatabase.withVersion(v.next(), v.expectedVersion() + 1));
                    followLease(before, v.next());
                }
                for (Versioned<Bot> v : changes.bots()) {
                    Bot stored = db.bots.get(v.next().id());
                    db.bots.put(stored.id(), new Bot(stored.id(), stored.name(), stored.capabilities(),
                            v.next().status(), stored.metadata(), stored.lastHeartbeatAt(), stored.createdAt(),
                            v.next().updatedAt(), stored.slots(), stored.version() + 1));
                }
                for (Versioned<Workflow> v : changes.workflows()) {
                    Workflow stored = db.workflows.get(v.next().id());
                    db.workflows.put(stored.id(), new Workflow(stored.id(), stored.name(), stored.description(),
                            v.next().status(), stored.metadata(), stored.taskIds(), v.next().startedAt(),
                            stored.createdAt(), v.next().updatedAt(), stored.version() + 1, stored.definition(),
                            stored.input(), stored.owner()));
                }
                db.history.addAll(changes.events());
                applied++;
                return changes;
            }
        }
    }

    /** What follows for the changes' workflow, decided from its steps as stored; the caller holds the lock. */
    private TaskChanges follow(TaskChanges changes) {
        TaskChanges.Follow follow = changes.follow();
        if (follow == null) {
            return changes;
        }
        Workflow workflow = db.workflows.get(follow.workflowId());
        TaskChanges.Builder more = TaskChanges.builder();
        if (workflow != null) {
            more.advance(follow.rule().follow(workflow, changes.inPlace(db.steps(follow.workflowId()))));
        }
        return changes.plus(more.build());
    }

    /** A new assignment gets the acknowledgement lease, a start the running lease; a task no bot holds has none. */
    private void followLease(Task before, Task after) {
        if (!after.status().isHeldByBot()) {
            db.leaseExpiresAt.remove(after.id());
        } else if (before.status() != after.status() || before.attempt() != after.attempt()) {
            db.leaseExpiresAt.put(after.id(),
                    db.clock.instant().plus(after.status() == TaskStatus.ASSIGNED ? ackTimeout : lease));
        }
    }

    /** Fails, writing nothing, unless every row is still at the version its new state was computed from. */
    private void checkVersions(TaskChanges changes) {
        String stale = null;
        for (Versioned<Task> v : changes.tasks()) {
            if (isStale(db.tasks, v.next().id(), v.expectedVersion(), Task::version)) {
                stale = "Task " + v.next().id();
            }
        }
        for (Versioned<Bot> v : changes.bots()) {
            if (isStale(db.bots, v.next().id(), v.expectedVersion(), Bot::version)) {
                stale = "Bot " + v.next().id();
            }
        }
        for (Versioned<Workflow> v : changes.workflows()) {
            if (isStale(db.workflows, v.next().id(), v.expectedVersion(), Workflow::version)) {
                stale = "Workflow " + v.next().id();
            }
        }
        if (stale != null) {
            rejected++;
            throw ConflictException.concurrentModification(stale);
        }
    }

    private static <K, V> boolean isStale(Map<K, V> table, K id, long expected, ToLongFunction<V> version) {
        V stored = table.get(id);
        return stored == null || version.applyAsLong(stored) != expected;
    }

    /** How many lifecycle steps were written. */
    public int appliedCount() {
        synchronized (db) {
            return applied;
        }
    }

    /** How many lifecycle steps were refused for a stale version. */
    public int conflictCount() {
        synchronized (db) {
            return rejected;
        }
    }
}
