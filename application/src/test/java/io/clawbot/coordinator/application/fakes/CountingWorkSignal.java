package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the signals that work may be available, so that a test can see whether one was raised, and apart from
 * them those that concern this replica's bots alone.
 */
public final class CountingWorkSignal implements WorkSignal {

    private final AtomicInteger raised = new AtomicInteger();
    private final AtomicInteger local = new AtomicInteger();

    @Override
    public void workMayBeAvailable() {
        raised.incrementAndGet();
    }

    @Override
    public void slotFreedHere() {
        raised.incrementAndGet();
        local.incrementAndGet();
    }

    /** How many of the signals counted by {@link #count()} concerned this replica's bots alone. */
    public int localOnly() {
        return local.get();
    }

    /** How many signals were raised since the start or the last {@link #reset()}. */
    public int count() {
        return raised.get();
    }

    /** Forgets the signals raised so far, typically after a test's setup. */
    public void reset() {
        raised.set(0);
        local.set(0);
    }
}
