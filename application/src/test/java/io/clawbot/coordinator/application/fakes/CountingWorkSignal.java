package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.task.port.WorkSignal;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the signals that work may be available, so that a test can see whether one was raised. */
public final class CountingWorkSignal implements WorkSignal {

    private final AtomicInteger raised = new AtomicInteger();

    @Override
    public void workMayBeAvailable() {
        raised.incrementAndGet();
    }

    /** How many signals were raised since the start or the last {@link #reset()}. */
    public int count() {
        return raised.get();
    }

    /** Forgets the signals raised so far, typically after a test's setup. */
    public void reset() {
        raised.set(0);
    }
}
