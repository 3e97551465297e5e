package io.clawbot.coordinator.e2e;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A connection pool of its own to the application's database, for a second coordinator instance built in a test
 * to race the application's own components.
 */
final class SecondPool {

    private SecondPool() {
    }

    static Pool open(Vertx vertx) {
        var config = ConfigProvider.getConfig();
        PgConnectOptions connect = PgConnectOptions.fromUri(
                config.getValue("quarkus.datasource.reactive.url", String.class));
        config.getOptionalValue("quarkus.datasource.username", String.class).ifPresent(connect::setUser);
        config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(connect::setPassword);
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect).using(vertx).build();
    }
}
