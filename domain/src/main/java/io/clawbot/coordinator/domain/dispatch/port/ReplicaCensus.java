package io.clawbot.coordinator.domain.dispatch.port;

import io.smallrye.mutiny.Uni;
import java.util.Map;

/**
 * How many bots are connected to each replica, for the status summary. Each replica reports its own count
 * periodically; a replica that stopped reporting is left out after a while. Best effort: nothing fails or waits
 * long, and without the shared store a replica knows only its own count.
 */
public interface ReplicaCensus {

    /** Records how many bots are connected to this replica now. */
    void report(int connections);

    /** The replicas that reported recently, by name, with their counts; this replica's own always. */
    Uni<Map<String, Integer>> connections();

    /** This replica stops: it leaves the census at once rather than when its last report grows stale. */
    default Uni<Void> leave() {
        return Uni.createFrom().voidItem();
    }
}
