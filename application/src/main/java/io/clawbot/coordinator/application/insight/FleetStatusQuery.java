package io.clawbot.coordinator.application.insight;

import io.clawbot.coordinator.domain.dispatch.port.ReplicaCensus;
import io.clawbot.coordinator.domain.insight.FleetStatus;
import io.clawbot.coordinator.domain.insight.port.Insights;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

/**
 * The status of the work and the fleet, read at most once per {@code maxAge} per replica however many clients
 * poll it: concurrent callers share one read, and later ones get it until it is that old.
 */
public final class FleetStatusQuery {

    /** The status with the bots connected to each replica. */
    public record View(FleetStatus fleet, Map<String, Integer> connections) {
    }

    private final Uni<View> cached;

    public FleetStatusQuery(Insights insights, ReplicaCensus census, InstantSource clock, Duration maxAge) {
        this.cached = Uni.createFrom().deferred(() -> Uni.combine().all()
                .unis(insights.status(clock.instant()), census.connections()).with(View::new))
                .memoize().atLeast(maxAge);
    }

    public Uni<View> status() {
        return cached;
    }
}
