package io.clawbot.coordinator.adapters.persistence.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Which failures are outages (answered 503 / {@code unavailable}) and which are not. The whole paths run against
 * the real database in {@code PoolExhaustionTest} and the fault suite's {@code postgres-down} and
 * {@code pool-exhausted} scenarios.
 */
class PgOutagesTest {

    private final PgOutages outages = new PgOutages();

    @Test
    void a_refused_connection_however_deeply_wrapped_is_an_outage() {
        assertThat(outages.isOutage(new CompletionException(new IllegalStateException("query failed",
                new ConnectException("Connection refused: /127.0.0.1:5432"))))).isTrue();
        assertThat(outages.isOutage(new java.nio.channels.ClosedChannelException())).isTrue();
    }

    @Test
    void no_connection_within_the_acquire_timeout_and_a_statement_past_its_timeout_are_outages() {
        assertThat(outages.isOutage(new VertxException(PgOutages.ACQUIRE_TIMEOUT_MESSAGE, true))).isTrue();
        assertThat(outages.isOutage(new io.vertx.core.impl.NoStackTraceThrowable("Timeout"))).isTrue();
        assertThat(outages.isOutage(pg("57014"))).as("statement timeout").isTrue();
        assertThat(outages.isOutage(pg("57P01"))).as("server shutting down").isTrue();
        assertThat(outages.isOutage(pg("08006"))).as("connection failure").isTrue();
        assertThat(outages.isOutage(pg("53300"))).as("too many connections").isTrue();
    }

    @Test
    void bugs_and_refusals_by_the_database_are_not() {
        assertThat(outages.isOutage(new IllegalStateException("a bug"))).isFalse();
        assertThat(outages.isOutage(new RuntimeException("outer", new NullPointerException()))).isFalse();
        assertThat(outages.isOutage(new VertxException("some other failure", true))).isFalse();
        assertThat(outages.isOutage(new io.vertx.core.impl.NoStackTraceThrowable("something else"))).isFalse();
        assertThat(outages.isOutage(pg("23505"))).as("unique violation").isFalse();
        assertThat(outages.isOutage(pg("40P01"))).as("deadlock").isFalse();
        assertThat(outages.isOutage(pg("42601"))).as("syntax error").isFalse();
    }

    private static PgException pg(String sqlState) {
        return new PgException("test", "ERROR", sqlState, null);
    }
}
