package io.clawbot.coordinator.bootstrap.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** Redis in the readiness report: up when it answers, degraded but never down when it does not. */
class RedisReadinessTest {

    private static HealthCheckResponse call(RedisReadiness check) {
        return check.call().await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void an_answering_redis_is_up() {
        HealthCheckResponse response = call(new RedisReadiness(() -> Uni.createFrom().item("PONG")));

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData()).hasValueSatisfying(d -> assertThat(d).containsEntry("redis", "up")
                .doesNotContainKey("degraded"));
    }

    @Test
    void a_failing_redis_degrades_readiness_without_failing_it() {
        HealthCheckResponse response = call(new RedisReadiness(
                () -> Uni.createFrom().failure(new IllegalStateException("connection refused"))));

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData()).hasValueSatisfying(d -> assertThat(d).containsEntry("redis", "down")
                .containsEntry("degraded", true));
    }
}
