package io.clawbot.coordinator.domain.dispatch.port;

import io.clawbot.coordinator.domain.insight.LatencyHistogram;
import io.smallrye.mutiny.Uni;
import java.util.Map;

/**
 * How many bots are connected to each replica, and how long its recent dispatches took, for the status summary.
 * Each replica reports its own figures periodically; a replica that stopped reporting is left out after a while.
 * Best effort: nothing fails or waits long, and without the shared store a replica knows only its own figures.
 */
public interface ReplicaCensus {

    /**
     * Records how many bots are connected to this replica now, and its recent dispatch latencies.
     *
     * @param dispatches the latencies of this replica's dispatches in the last minute
     */
    void report(int connections, LatencyHistogram dispatches);

    /** The replicas that reported recently, by name, with their counts; this replica's own always. */
    Uni<Map<String, Integer>> connections();

    /** The recent dispatch latencies of the replicas that reported recently, summed; this replica's own always. */
    Uni<LatencyHistogram> dispatches();

    /** This replica stops: it leaves the census at once rather than when its last report grows stale. */
    default Uni<Void> leave() {
        return Uni.createFrom().voidItem();
    }
}
