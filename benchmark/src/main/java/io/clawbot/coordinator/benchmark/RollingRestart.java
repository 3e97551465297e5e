package io.clawbot.coordinator.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The second batch, submitted while every replica in turn is stopped gracefully (SIGTERM), awaited, started again
 * and awaited ready before the next one: a rolling restart, as a deployment does it. A draining replica hands its
 * bots' unaccepted assignments back to pending and closes their sockets so that they move to another replica with
 * the tasks they run, whose leases that replica renews. So beyond the {@link Invariants}, no attempt of this batch
 * may have ended by a timeout: nothing should have to wait for one.
 *
 * <p>Each replica's turn gets a share of the batch, submitted as fast as the replicas take it, and its SIGTERM
 * comes a quarter of the way into that share: the drain meets tasks pending, assigned and running, and the rest of
 * the share goes to the other replicas while it stops.
 */
final class RollingRestart {

    private final Replicas replicas;
    private final Fleet fleet;
    private final Invariants invariants;

    RollingRestart(Replicas replicas, Fleet fleet, Invariants invariants) {
        this.replicas = replicas;
        this.fleet = fleet;
        this.invariants = invariants;
    }

    /** The batch's entries for the report, each named with the prefix {@code rolling_restart_}. */
    Map<String, Object> run(Load load, int tasks, Duration timeout) throws Exception {
        List<Long> heldAtSignal = new ArrayList<>();
        List<Double> stopSeconds = new ArrayList<>();
        long start = System.nanoTime();
        int n = replicas.count();
        System.out.println("rolling restart: each replica in turn gets SIGTERM and is started again");
        for (int replica = 0; replica < n; replica++) {
            int first = replica * tasks / n;
            int end = (replica + 1) * tasks / n;
            CompletableFuture<Double> restart = null;
            for (int i = first; i < end; i++) {
                if (i == first + (end - first) / 4) {
                    heldAtSignal.add(invariants.held(load.type()));
                    restart = replicas.restartInBackground(replica, Replicas.Stop.SIGTERM);
                }
                load.submit(i);
            }
            stopSeconds.add(restart.get());
        }
        load.awaitAnswers();
        System.out.printf("%d tasks submitted during the rolling restart (%d requests sent again)%n",
                load.submitted(), load.sentAgain());
        Map<String, Object> out = new LinkedHashMap<>();
        invariants.settleAndCheck(load, fleet, timeout).forEach((key, value) -> out.put("rolling_restart_" + key,
                value));
        out.put("rolling_restart_seconds", Percentiles.round((System.nanoTime() - start) / 1e9));
        out.put("rolling_restart_tasks_held_by_bots_at_sigterm", heldAtSignal);
        out.put("rolling_restart_stop_seconds", stopSeconds.stream().map(Percentiles::round).toList());
        Map<String, Long> timeouts = invariants.causes(load.type(), Invariants.TIMEOUT_CAUSES);
        long timedOut = timeouts.values().stream().mapToLong(Long::longValue).sum();
        out.put("rolling_restart_timeouts", timedOut == 0
                ? 0
                : new Violation(timedOut + " history entries of attempts ended by a timeout " + timeouts));
        out.put("rolling_restart_released_by_drain",
                invariants.causes(load.type(), "('handed_back')").getOrDefault("handed_back", 0L));
        out.put("rolling_restart_released_yet_run_by_their_bot", invariants.handedBackYetRun(load.type(), fleet));
        return out;
    }
}
