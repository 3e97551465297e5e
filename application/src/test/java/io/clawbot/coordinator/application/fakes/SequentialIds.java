package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.common.port.IdSource;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Predictable ids: 00000000-0000-0000-0000-000000000001, ...02 and so on. */
public final class SequentialIds implements IdSource {

    private final AtomicLong next = new AtomicLong(1);

    @Override
    public UUID next() {
        return new UUID(0, next.getAndIncrement());
    }

    /** How many ids were handed out. */
    public long issued() {
        return next.get() - 1;
    }
}
