package io.clawbot.coordinator.adapters.persistence.postgres;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Forgets idempotency keys older than the retention, so the table does not grow forever. A request repeated
 * after that creates a new resource, as with any other service that keeps keys for a limited time.
 */
@ApplicationScoped
public class IdempotencyKeyRetention {

    /** The most keys one statement deletes, to keep each transaction short. */
    static final int BATCH = 10_000;

    private final Pool pool;

    public IdempotencyKeyRetention(Pool pool) {
        this.pool = pool;
    }

    /**
     * Deletes up to {@value #BATCH} keys older than {@code retention} by the database's clock.
     *
     * @return how many it deleted
     */
    public Uni<Integer> forgetOlderThan(Duration retention) {
        return pool.preparedQuery("delete from idempotency_keys where ctid in (select ctid from idempotency_keys "
                + "where created_at < now() - make_interval(secs => $1::float8) limit $2)")
                .execute(Tuple.of(retention.toMillis() / 1000.0, BATCH))
                .map(rows -> rows.rowCount());
    }
}
