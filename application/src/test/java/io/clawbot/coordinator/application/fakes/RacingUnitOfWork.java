package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A {@link FakeUnitOfWork} that lets a test stage lost races: before an upcoming {@link #apply} it can run a
 * competing writer (whose change then makes the step's versions stale for real), or simply refuse the write
 * with a concurrent-modification conflict.
 */
public final class RacingUnitOfWork implements UnitOfWork {

    private final UnitOfWork delegate;
    private final Deque<Runnable> beforeApply = new ArrayDeque<>();
    private int applyCalls;

    public RacingUnitOfWork(UnitOfWork delegate) {
        this.delegate = delegate;
    }

    /** The next apply is refused as if another request had written first; nothing is written. */
    public RacingUnitOfWork failNextApply() {
        beforeApply.add(() -> {
            throw ConflictException.concurrentModification("Task");
        });
        return this;
    }

    /** Runs {@code competitor} just before the next apply, between the step's read and its write. */
    public RacingUnitOfWork beforeNextApply(Runnable competitor) {
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
}
