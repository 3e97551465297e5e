package io.clawbot.coordinator.application.fakes;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock that stands still until a test moves it. */
public final class MutableClock implements InstantSource {

    private Instant now;

    public MutableClock(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    public synchronized void set(Instant value) {
        this.now = value;
    }

    public synchronized Instant advance(Duration by) {
        now = now.plus(by);
        return now;
    }
}
