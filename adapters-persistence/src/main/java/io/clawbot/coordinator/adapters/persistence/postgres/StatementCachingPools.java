package io.clawbot.coordinator.adapters.persistence.postgres;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Creates the reactive PostgreSQL pool as Quarkus would, except that the statements the service sends are kept
 * prepared per connection however long their text ({@code quarkus.datasource.reactive.cache-prepared-statements},
 * on by default for PostgreSQL, still decides whether any are). The Vert.x client caches a prepared statement only when its SQL
 * is at most {@code preparedStatementCacheSqlLimit} characters (2,048 by default); the claim and the report batch
 * are longer, so they were sent unnamed and PostgreSQL planned them again on every call, which measured about as
 * much of the database's time as running them. Kept prepared, PostgreSQL plans them a few times and then reuses
 * a generic plan.
 *
 * <p>
 * It also bounds the waits of {@link DatabaseConfig}: for a connection (the pool's connection timeout and wait
 * queue) and for a statement ({@code statement_timeout}, sent as a start-up parameter of every connection).
 */
@Singleton
public class StatementCachingPools implements PgPoolCreator {

    /** Longer than any statement of the service; the cache itself stays bounded by its entry count. */
    static final int SQL_LIMIT = 65_536;

    private final DatabaseConfig config;

    public StatementCachingPools(DatabaseConfig config) {
        this.config = config;
    }

    @Override
    public Pool create(Input input) {
        List<SqlConnectOptions> servers = new ArrayList<>();
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            servers.add(options.setPreparedStatementCacheSqlLimit(SQL_LIMIT)
                    .addProperty("statement_timeout", Long.toString(config.statementTimeout().toMillis())));
        }
        PoolOptions pool = input.poolOptions()
                .setConnectionTimeout(Math.toIntExact(config.acquireTimeout().toMillis()))
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxWaitQueueSize(config.maxWaiting());
        return PgBuilder.pool().with(pool).connectingTo(servers).using(input.vertx()).build();
    }
}
