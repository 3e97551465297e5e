package io.clawbot.coordinator.bootstrap.health;

import io.clawbot.coordinator.adapters.persistence.postgres.PgOutages;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Whether the replica's requests get served by the database. Quarkus's own check waits up to 20 s for its
 * {@code SELECT 1}, so with every connection held by stalled statements it still says UP whenever a connection
 * frees in time, while the requests around it answer 503. This one says DOWN while requests are failing for an
 * outage (one was answered {@code unavailable} in the last {@value #RECENT_SECONDS} s), and when a connection and a
 * {@code SELECT 1} take longer than {@value #PATIENCE_MILLIS} ms, which a database that serves its requests never
 * does: an orchestrator then sends requests to replicas that can serve them.
 */
@Readiness
@ApplicationScoped
public class DatabasePoolReadiness implements AsyncHealthCheck {

    static final String NAME = "Database connections";
    static final long PATIENCE_MILLIS = 1000;
    static final long RECENT_SECONDS = 5;

    private final Supplier<Uni<?>> query;
    private final Supplier<Optional<Duration>> sinceLastOutage;

    @Inject
    public DatabasePoolReadiness(Pool pool, PgOutages outages) {
        this(() -> pool.query("SELECT 1").execute(), outages::sinceLastOutage);
    }

    DatabasePoolReadiness(Supplier<Uni<?>> query, Supplier<Optional<Duration>> sinceLastOutage) {
        this.query = query;
        this.sinceLastOutage = sinceLastOutage;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        Optional<Duration> since = sinceLastOutage.get();
        if (since.isPresent() && since.get().compareTo(Duration.ofSeconds(RECENT_SECONDS)) < 0) {
            return Uni.createFrom().item(HealthCheckResponse.named(NAME).down()
                    .withData("detail", "a request failed " + since.get().toMillis() + " ms ago because the "
                            + "database could not serve it (down, stalled, or every connection busy)")
                    .build());
        }
        long start = System.nanoTime();
        return Uni.createFrom().deferred(query).ifNoItem().after(Duration.ofMillis(PATIENCE_MILLIS)).fail()
                .map(ignored -> HealthCheckResponse.named(NAME).up()
                        .withData("wait_ms", (System.nanoTime() - start) / 1_000_000).build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("detail", "no connection and answer within " + PATIENCE_MILLIS + " ms: every "
                                + "connection is busy or the database is down or stalled")
                        .build());
    }
}
