package io.clawbot.coordinator.domain.testing;

import java.time.Instant;

/** Fixed instants, so that no test depends on the wall clock. */
public final class Times {

    public static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    public static final Instant T1 = T0.plusSeconds(10);
    public static final Instant T2 = T0.plusSeconds(20);
    public static final Instant T3 = T0.plusSeconds(30);
    public static final Instant T4 = T0.plusSeconds(40);

    private Times() {
    }
}
