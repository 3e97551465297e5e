package io.clawbot.coordinator.adapters.persistence.postgres;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.util.Comparator;

/**
 * The database's clock, read locally: this replica's clock plus the offset last measured against PostgreSQL's
 * {@code clock_timestamp()}. Every replica then computes deadlines (execution timeouts, retry backoffs, delayed
 * starts) on the same time as the database that the sweeps compare them with, whatever the replicas' own clocks
 * say.
 *
 * <p>
 * The offset is taken as {@code database time - local time before the query}, so the clock reads at most one
 * round trip ahead of the database's, never behind it: a deadline computed from it is never earlier than intended
 * by the database's time, so nothing is dispatched early and no timeout fires early. Of several readings the one
 * with the shortest round trip is kept, which keeps the lead to a fraction of a millisecond on a warm connection.
 */
public final class DatabaseClock implements InstantSource {

    private final InstantSource local;
    private volatile Duration offset = Duration.ZERO;
    private volatile boolean synced;

    public DatabaseClock(InstantSource local) {
        this.local = local;
    }

    @Override
    public Instant instant() {
        return local.instant().plus(offset);
    }

    /** Whether the offset has been measured at least once. */
    public boolean isSynced() {
        return synced;
    }

    /** The last measured offset of the database's clock from this replica's. */
    public Duration offset() {
        return offset;
    }

    /**
     * Measures the offset again: several readings one after another, keeping the one with the shortest round trip.
     * The first reading may include opening a connection, which would put the clock tens of milliseconds ahead.
     */
    public Uni<Duration> sync(Pool pool) {
        return Multi.createFrom().range(0, SAMPLES)
                .onItem().transformToUniAndConcatenate(i -> sample(pool))
                .collect().asList()
                .map(samples -> {
                    Sample best = samples.stream().min(Comparator.comparing(Sample::roundTrip)).orElseThrow();
                    offset = best.offset();
                    synced = true;
                    return best.offset();
                });
    }

    private static final int SAMPLES = 5;

    /** One reading: the database's time less the local time before the query, and the query's round trip. */
    private record Sample(Duration offset, Duration roundTrip) {
    }

    private Uni<Sample> sample(Pool pool) {
        return Uni.createFrom().item(local::instant).flatMap(before -> pool.query("select clock_timestamp()")
                .execute()
                .map(rows -> {
                    Instant after = local.instant();
                    OffsetDateTime database = rows.iterator().next().getOffsetDateTime(0);
                    return new Sample(Duration.between(before, database.toInstant()),
                            Duration.between(before, after));
                }));
    }
}
