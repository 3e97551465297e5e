package io.clawbot.coordinator.bootstrap.health;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Redis in the readiness report, without failing it: Redis carries only hints between replicas and shared rate
 * limits, so a replica without it still serves every request correctly (the dispatch tick and the leases do the
 * hints' work, later). The check stays UP and says {@code degraded} while Redis does not answer, so that an
 * orchestrator does not take every replica out of service because of Redis.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

    static final String NAME = "Redis (hints between replicas)";
    private static final Duration PATIENCE = Duration.ofSeconds(2);

    private final Supplier<Uni<?>> ping;

    @Inject
    public RedisReadiness(ReactiveRedisDataSource redis) {
        this(() -> redis.execute("PING"));
    }

    RedisReadiness(Supplier<Uni<?>> ping) {
        this.ping = ping;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().deferred(ping).ifNoItem().after(PATIENCE).fail()
                .map(ignored -> HealthCheckResponse.named(NAME).up().withData("redis", "up").build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).up()
                        .withData("redis", "down").withData("degraded", true)
                        .withData("detail", "replicas dispatch on their tick and leases until Redis is back")
                        .build());
    }
}
