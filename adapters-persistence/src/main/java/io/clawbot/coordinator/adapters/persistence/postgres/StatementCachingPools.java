package io.clawbot.coordinator.adapters.persistence.postgres;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the reactive PostgreSQL pool as Quarkus would, except that the statements the service sends are kept
 * prepared per connection however long their text ({@code quarkus.datasource.reactive.cache-prepared-statements},
 * on by default for PostgreSQL, still decides whether any are). The Vert.x client caches a prepared statement only when its SQL
 * is at most {@code preparedStatementCacheSqlLimit} characters (2,048 by default); the claim and the report batch
 * are longer, so they were sent unnamed and PostgreSQL planned them again on every call, which measured about as
 * much of the database's time as running them. Kept prepared, PostgreSQL plans them a few times and then reuses
 * a generic plan.
 */
@Singleton
public class StatementCachingPools implements PgPoolCreator {

    /** Longer than any statement of the service; the cache itself stays bounded by its entry count. */
    static final int SQL_LIMIT = 65_536;

    @Override
    public Pool create(Input input) {
        List<SqlConnectOptions> servers = new ArrayList<>();
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            servers.add(options.setPreparedStatementCacheSqlLimit(SQL_LIMIT));
        }
        return PgBuilder.pool().with(input.poolOptions()).connectingTo(servers).using(input.vertx()).build();
    }
}
