package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.policy.KeyPolicy;
import io.clawbot.coordinator.domain.policy.port.PolicyStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The dispatch policies of task types ({@code type_policies}) and of concurrency keys ({@code key_policies}), which
 * the claim ({@link PgWorkQueue}) reads; writes are conditional on the version.
 */
@ApplicationScoped
public class PgPolicyStore implements PolicyStore {

    private static final String COLUMNS = "type, paused, pause_reason, paused_at, paused_by, updated_at, version";
    private static final String KEY_COLUMNS = "key, paused, pause_reason, paused_at, paused_by, max_concurrency, updated_at, version";

    /**
     * Claims whose transaction began before {@code $1}, told apart from other statements by the mark their text
     * starts with. PostgreSQL shows the sessions of the service's own role in full; a claim is one statement in a
     * transaction of its own, so its transaction began before the statement read the policies.
     */
    private static final String CLAIMS_UNDER_WAY = "select count(*) from pg_stat_activity "
            + "where datname = current_database() and xact_start < $1 and starts_with(query, $2)";

    /** How often the claims under way are looked at again while a pause waits for them. */
    private static final Duration POLL = Duration.ofMillis(5);

    private final Pool pool;
    private final Duration longestClaim;

    /** @param config whose statement timeout bounds a claim, and so the wait for the claims under way */
    @Inject
    public PgPolicyStore(Pool pool, DatabaseConfig config) {
        this.pool = pool;
        this.longestClaim = config.statementTimeout();
    }

    @Override
    public Uni<DispatchPolicy> find(String type) {
        return pool.preparedQuery("select " + COLUMNS + " from type_policies where type = $1").execute(Tuple.of(type))
                .map(rows -> rows.size() == 0 ? null : toPolicy(rows.iterator().next()));
    }

    @Override
    public Uni<List<DispatchPolicy>> list() {
        return pool.preparedQuery("select " + COLUMNS + " from type_policies order by type").execute().map(rows -> {
            List<DispatchPolicy> out = new ArrayList<>();
            rows.forEach(row -> out.add(toPolicy(row)));
            return out;
        });
    }

    @Override
    public Uni<DispatchPolicy> save(DispatchPolicy policy, long expectedVersion) {
        Tuple params = Tuple.from(new Object[]{ policy.type(), policy.paused(), policy.pauseReason(),
                policy.pausedAt() == null ? null : Sql.ts(policy.pausedAt()), policy.pausedBy(),
                Sql.ts(policy.updatedAt()), expectedVersion });
        String sql = expectedVersion == 0
                ? "insert into type_policies (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7 + 1) "
                        + "on conflict (type) do nothing returning " + COLUMNS
                : "update type_policies set paused = $2, pause_reason = $3, paused_at = $4, paused_by = $5, "
                        + "updated_at = $6, version = version + 1 where type = $1 and version = $7 returning "
                        + COLUMNS;
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            if (rows.size() == 0) {
                throw ConflictException.concurrentModification("dispatch policy of " + policy.type());
            }
            return toPolicy(rows.iterator().next());
        });
    }

    @Override
    public Uni<KeyPolicy> findKey(String key) {
        return pool.preparedQuery("select " + KEY_COLUMNS + " from key_policies where key = $1")
                .execute(Tuple.of(key)).map(rows -> rows.size() == 0 ? null : toKeyPolicy(rows.iterator().next()));
    }

    @Override
    public Uni<List<KeyPolicy>> listKeys() {
        return pool.preparedQuery("select " + KEY_COLUMNS + " from key_policies order by key").execute()
                .map(rows -> {
                    List<KeyPolicy> out = new ArrayList<>();
                    rows.forEach(row -> out.add(toKeyPolicy(row)));
                    return out;
                });
    }

    @Override
    public Uni<KeyPolicy> saveKey(KeyPolicy policy, long expectedVersion) {
        KeyPolicy.Pause pause = policy.pause();
        Tuple params = Tuple.from(new Object[]{ policy.key(), pause != null, pause == null ? null : pause.reason(),
                pause == null ? null : Sql.ts(pause.at()), pause == null ? null : pause.by(),
                policy.maxConcurrency(), Sql.ts(policy.updatedAt()), expectedVersion });
        String sql = expectedVersion == 0
                ? "insert into key_policies (" + KEY_COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8 + 1) "
                        + "on conflict (key) do nothing returning " + KEY_COLUMNS
                : "update key_policies set paused = $2, pause_reason = $3, paused_at = $4, paused_by = $5, "
                        + "max_concurrency = $6, updated_at = $7, version = version + 1 "
                        + "where key = $1 and version = $8 returning " + KEY_COLUMNS;
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            if (rows.size() == 0) {
                throw ConflictException.concurrentModification("policy of concurrency key " + policy.key());
            }
            return toKeyPolicy(rows.iterator().next());
        });
    }

    @Override
    public Uni<Void> awaitClaimsUnderWay() {
        // Read after the caller's write committed: a claim that began later reads what was written.
        return pool.preparedQuery("select clock_timestamp()").execute()
                .map(rows -> rows.iterator().next().getOffsetDateTime(0))
                .flatMap(since -> claimsEnded(since, System.nanoTime() + longestClaim.plusSeconds(5).toNanos()));
    }

    private Uni<Void> claimsEnded(OffsetDateTime since, long giveUpAt) {
        return pool.preparedQuery(CLAIMS_UNDER_WAY).execute(Tuple.of(since, PgWorkQueue.CLAIM_MARK))
                .flatMap(rows -> {
                    if (rows.iterator().next().getLong(0) == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    if (System.nanoTime() > giveUpAt) {
                        // A claim outlives the statement timeout only if PostgreSQL failed to cancel it.
                        return Uni.createFrom().failure(new IllegalStateException(
                                "claims begun before " + since + " are still running after the statement timeout"));
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(POLL)
                            .flatMap(ignored -> claimsEnded(since, giveUpAt));
                });
    }

    private static DispatchPolicy toPolicy(Row row) {
        OffsetDateTime pausedAt = row.getOffsetDateTime("paused_at");
        return new DispatchPolicy(row.getString("type"), row.getBoolean("paused"), row.getString("pause_reason"),
                pausedAt == null ? null : Sql.instant(pausedAt), row.getString("paused_by"),
                Sql.instant(row.getOffsetDateTime("updated_at")), row.getLong("version"));
    }

    private static KeyPolicy toKeyPolicy(Row row) {
        KeyPolicy.Pause pause = row.getBoolean("paused")
                ? new KeyPolicy.Pause(row.getString("pause_reason"), Sql.instant(row.getOffsetDateTime("paused_at")),
                        row.getString("paused_by"))
                : null;
        return new KeyPolicy(row.getString("key"), pause, row.getInteger("max_concurrency"),
                Sql.instant(row.getOffsetDateTime("updated_at")), row.getLong("version"));
    }
}
