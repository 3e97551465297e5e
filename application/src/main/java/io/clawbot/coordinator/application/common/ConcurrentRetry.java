package io.clawbot.coordinator.application.common;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * Re-runs a read-decide-write step when its conditional write lost a race, so that concurrent requests on the
 * same task are decided one after the other against fresh state instead of failing.
 */
public final class ConcurrentRetry {

    /** Enough for a burst of simultaneous reports on one task; beyond it the client sees the conflict. */
    static final int ATTEMPTS = 5;

    private ConcurrentRetry() {
    }

    public static <T> Uni<T> run(Supplier<Uni<? extends T>> step) {
        return Uni.createFrom().<T>deferred(step)
                .onFailure(ConcurrentRetry::isLostRace).retry().atMost(ATTEMPTS - 1);
    }

    /** Whether a step failed because its conditional write lost a race (and so may be decided again). */
    public static boolean isLostRace(Throwable failure) {
        return failure instanceof ConflictException c && c.isConcurrentModification();
    }
}
