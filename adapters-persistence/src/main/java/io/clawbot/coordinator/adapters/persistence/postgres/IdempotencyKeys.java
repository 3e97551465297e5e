package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.UUID;

/**
 * Claims an idempotency key inside the creating transaction. A concurrent request with the same key waits on
 * the key's row until the first commits, then sees it, so two requests can never both create.
 */
final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    /**
     * Records {@code key} for {@code resourceId} in {@code scope}.
     *
     * @return {@code null} when the key is new (go on creating), otherwise the id of the resource created first
     *         for the same request; fails with {@link IdempotencyKeyReusedException} for a different request
     */
    static Uni<UUID> claim(SqlConnection conn, String scope, IdempotencyKey key, UUID resourceId) {
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return conn.preparedQuery("insert into idempotency_keys (scope, key, fingerprint, resource_id) "
                + "values ($1, $2, $3, $4) on conflict do nothing")
                .execute(Tuple.of(scope, key.key(), key.fingerprint(), resourceId))
                .flatMap(inserted -> {
                    if (inserted.rowCount() == 1) {
                        return Uni.createFrom().nullItem();
                    }
                    return conn.preparedQuery(
                            "select fingerprint, resource_id from idempotency_keys where scope = $1 and key = $2")
                            .execute(Tuple.of(scope, key.key()))
                            .map(rows -> {
                                RowIterator<Row> it = rows.iterator();
                                Row row = it.next();
                                if (!key.fingerprint().equals(row.getString("fingerprint"))) {
                                    throw new IdempotencyKeyReusedException(key.key());
                                }
                                return row.getUUID("resource_id");
                            });
                });
    }

    /** Forgets the keys that point at a deleted resource, so a repeat creates it anew. */
    static Uni<Void> forget(SqlConnection conn, UUID resourceId) {
        return conn.preparedQuery("delete from idempotency_keys where resource_id = $1")
                .execute(Tuple.of(resourceId)).replaceWithVoid();
    }
}
