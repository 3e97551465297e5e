package io.clawbot.coordinator.domain.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * What a sweep does with a schedule whose next occurrence has come.
 *
 * @param occurrence the occurrence that came due: the schedule's stored {@code next_fire_at}. Every replica that
 *        sees the schedule due sees the same one, so the creation's idempotency key and the conditional advance
 *        are both derived from it; this is what makes an occurrence fire once across replicas.
 * @param fire whether to create the task or workflow (false for a skipped misfire)
 * @param misfired whether the occurrence was later than the misfire threshold
 * @param nextFireAt the occurrence to wait for next; {@code null} when the expression has no further one
 */
public record DueOccurrence(Instant occurrence, boolean fire, boolean misfired, Instant nextFireAt) {

    public DueOccurrence {
        Objects.requireNonNull(occurrence, "occurrence");
    }
}
