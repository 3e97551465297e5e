package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.access.ApiKey;
import io.clawbot.coordinator.domain.access.Role;
import io.clawbot.coordinator.domain.access.port.ApiKeyStore;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.KeyId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** API keys on PostgreSQL: each row holds the hash of the key's secret, never the secret. */
@ApplicationScoped
public class PgApiKeyStore implements ApiKeyStore {

    private static final String NAME_CONSTRAINT = "api_keys_name_key";
    private static final String COLUMNS = "id, name, role, task_types, prefix, created_at, expires_at, last_used_at, "
            + "revoked_at";
    private static final String INSERT = "insert into api_keys (" + COLUMNS + ", secret_hash) "
            + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    /**
     * Serialises the making of a first key (two replicas starting on an empty database must not both make one) and
     * revocations (the last admin key must stay).
     */
    private static final long KEY_LOCK = 0x636c_6177_626b_6579L;

    private final Pool pool;

    public PgApiKeyStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<ApiKey> create(ApiKey key, String secretHash) {
        return insert(pool, key, secretHash)
                .onFailure(f -> PgErrors.isUniqueViolation(f, NAME_CONSTRAINT))
                .transform(f -> new ConflictException("key-name-taken",
                        "A key named '" + key.name() + "' exists; revoke it or choose another name"));
    }

    @Override
    public Uni<ApiKey> createFirst(ApiKey key, String secretHash) {
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_advisory_xact_lock($1)")
                .execute(Tuple.of(KEY_LOCK))
                .flatMap(locked -> conn.query("select exists (select 1 from api_keys)").execute())
                .flatMap(rows -> rows.iterator().next().getBoolean(0)
                        ? Uni.createFrom().nullItem()
                        : insert(conn, key, secretHash)));
    }

    @Override
    public Uni<Boolean> createUnlessPresent(ApiKey key, String secretHash) {
        return pool.preparedQuery(INSERT + " on conflict do nothing").execute(params(key, secretHash))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<ApiKey> findBySecretHash(String secretHash) {
        return pool.preparedQuery("select " + COLUMNS + " from api_keys where secret_hash = $1")
                .execute(Tuple.of(secretHash)).map(PgApiKeyStore::single);
    }

    @Override
    public Uni<ApiKey> findById(KeyId id) {
        return pool.preparedQuery("select " + COLUMNS + " from api_keys where id = $1").execute(Tuple.of(id.value()))
                .map(PgApiKeyStore::single);
    }

    @Override
    public Uni<List<ApiKey>> list(PageRequest page) {
        return pool.preparedQuery("select " + COLUMNS + " from api_keys order by created_at, id limit $1 offset $2")
                .execute(Tuple.of(page.limit(), page.offset())).map(rows -> {
                    List<ApiKey> out = new ArrayList<>(rows.size());
                    rows.forEach(row -> out.add(toKey(row)));
                    return out;
                });
    }

    @Override
    public Uni<ApiKey> replaceSecret(KeyId id, String prefix, String secretHash) {
        return pool.preparedQuery("update api_keys set prefix = $2, secret_hash = $3 where id = $1 "
                + "and revoked_at is null returning " + COLUMNS)
                .execute(Tuple.of(id.value(), prefix, secretHash)).map(PgApiKeyStore::single);
    }

    @Override
    public Uni<ApiKey> revoke(KeyId id, Instant at) {
        // Under the key lock: two admins revoking the last two admin keys at once must not both succeed.
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_advisory_xact_lock($1)")
                .execute(Tuple.of(KEY_LOCK))
                .flatMap(locked -> conn.preparedQuery("select k.role, k.revoked_at is null and (k.expires_at is null "
                        + "or k.expires_at > $2) as live, (select count(*) from api_keys a where a.role = 'admin' "
                        + "and a.revoked_at is null and (a.expires_at is null or a.expires_at > $2)) as live_admins "
                        + "from api_keys k where k.id = $1").execute(Tuple.of(id.value(), Sql.ts(at))))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Row row = rows.iterator().next();
                    if ("admin".equals(row.getString("role")) && row.getBoolean("live")
                            && row.getLong("live_admins") <= 1) {
                        return Uni.createFrom().failure(new ConflictException("last-admin-key",
                                "This is the last live admin key; issue another admin key before revoking it"));
                    }
                    return conn.preparedQuery("update api_keys set revoked_at = coalesce(revoked_at, $2) "
                            + "where id = $1 returning " + COLUMNS).execute(Tuple.of(id.value(), Sql.ts(at)))
                            .map(PgApiKeyStore::single);
                }));
    }

    @Override
    public Uni<Void> touch(KeyId id, Instant at) {
        return pool.preparedQuery("update api_keys set last_used_at = $2 where id = $1 "
                + "and (last_used_at is null or last_used_at < $2::timestamptz - interval '1 minute')")
                .execute(Tuple.of(id.value(), Sql.ts(at))).replaceWithVoid();
    }

    private static Uni<ApiKey> insert(SqlClient client, ApiKey key, String secretHash) {
        return client.preparedQuery(INSERT + " returning " + COLUMNS).execute(params(key, secretHash))
                .map(PgApiKeyStore::single);
    }

    private static Tuple params(ApiKey key, String secretHash) {
        return Tuple.from(new Object[]{ key.id().value(), key.name(), key.role().wire(),
                key.taskTypes().toArray(String[]::new), key.prefix(), Sql.ts(key.createdAt()),
                Sql.ts(key.expiresAt()), Sql.ts(key.lastUsedAt()), Sql.ts(key.revokedAt()), secretHash });
    }

    private static ApiKey single(RowSet<Row> rows) {
        return rows.size() == 0 ? null : toKey(rows.iterator().next());
    }

    private static ApiKey toKey(Row row) {
        String[] types = row.getArrayOfStrings("task_types");
        return new ApiKey(new KeyId(row.getUUID("id")), row.getString("name"), Role.fromWire(row.getString("role")),
                types == null ? List.of() : Arrays.asList(types), row.getString("prefix"),
                Sql.instant(row.getOffsetDateTime("created_at")), Sql.instant(row.getOffsetDateTime("expires_at")),
                Sql.instant(row.getOffsetDateTime("last_used_at")), Sql.instant(row.getOffsetDateTime("revoked_at")));
    }
}
