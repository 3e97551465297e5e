package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.common.port.Outages;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL's outages, recognised by exception type and SQLSTATE (and, for the one failure that has neither, the
 * pool's own fixed message): a connection refused or
 * lost, the pool's wait for a connection timing out or its queue full ({@link DatabaseConfig}), a statement
 * cancelled by {@code statement_timeout}, and the server shutting down, starting up or out of connections.
 */
@ApplicationScoped
public class PgOutages implements Outages {

    /**
     * query_canceled (statement_timeout), admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections;
     * class 08 (connection exception) is matched by its prefix.
     */
    private static final Set<String> SQL_STATES = Set.of("57014", "57P01", "57P02", "57P03", "53300");

    /**
     * What the Vert.x pool fails a request with when no connection came within its connection timeout: a plain
     * {@code VertxException} whose message is the only thing that tells it, or, waiting in the pool's own queue, a
     * {@code NoStackTraceThrowable} saying {@value #QUEUED_ACQUIRE_TIMEOUT_MESSAGE}.
     */
    static final String ACQUIRE_TIMEOUT_MESSAGE = "Timeout waiting for connection";
    static final String QUEUED_ACQUIRE_TIMEOUT_MESSAGE = "Timeout";

    /** When a failure was last recognised as an outage ({@link System#nanoTime()}), or never. */
    private final AtomicLong lastSeen = new AtomicLong(NEVER);
    private static final long NEVER = Long.MIN_VALUE;

    /** How long ago a failure was last recognised as an outage; empty if none ever was. */
    public Optional<Duration> sinceLastOutage() {
        long seen = lastSeen.get();
        return seen == NEVER ? Optional.empty() : Optional.of(Duration.ofNanos(System.nanoTime() - seen));
    }

    @Override
    public boolean isOutage(Throwable failure) {
        if (classify(failure)) {
            lastSeen.set(System.nanoTime());
            return true;
        }
        return false;
    }

    private static boolean classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof VertxException && ACQUIRE_TIMEOUT_MESSAGE.equals(t.getMessage())
                    || t instanceof NoStackTraceThrowable && QUEUED_ACQUIRE_TIMEOUT_MESSAGE.equals(t.getMessage())) {
                return true;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof ClosedChannelException || t instanceof ClosedConnectionException
                    || t instanceof ConnectionPoolTooBusyException || t instanceof NoStackTraceTimeoutException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (SQL_STATES.contains(pg.getSqlState()) || pg.getSqlState().startsWith("08"))) {
                return true;
            }
        }
        return false;
    }
}
