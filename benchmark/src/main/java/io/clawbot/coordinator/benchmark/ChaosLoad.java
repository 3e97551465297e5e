package io.clawbot.coordinator.benchmark;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The first batch, submitted through every replica while things go wrong: a quarter of the way in the last replica
 * is killed with SIGKILL and started again, half way Redis is stopped for two seconds, three fifths of the way
 * one bot's process ends and starts again with another replica as its first address, and seven tenths of the way
 * Redis is emptied (its presence entries and rate buckets are gone; its subscriptions stay). Attempts may be lost and
 * retried here; what must hold are the {@link Invariants}.
 */
final class ChaosLoad {

    private final Replicas replicas;
    private final StoppableRedis redis;
    private final Fleet fleet;
    private final Invariants invariants;

    ChaosLoad(Replicas replicas, StoppableRedis redis, Fleet fleet, Invariants invariants) {
        this.replicas = replicas;
        this.redis = redis;
        this.fleet = fleet;
        this.invariants = invariants;
    }

    Map<String, Object> run(Load load, int tasks, Duration timeout) throws Exception {
        CompletableFuture<Double> killed = null;
        long start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            if (i == tasks / 4) {
                System.out.println("killing replica " + replicas.count() + " with SIGKILL");
                killed = replicas.restartInBackground(replicas.count() - 1, Replicas.Stop.SIGKILL);
            }
            if (i == tasks / 2) {
                System.out.println("stopping Redis");
                redis.stop();
                Thread.sleep(2000);
                redis.start();
                System.out.println("Redis started again");
                killed.get();
            }
            if (i == tasks * 3 / 5) {
                System.out.println("cutting bot 1 off (its process ends); it comes back on another replica");
                fleet.restartOn(0, 1);
            }
            if (i == tasks * 7 / 10) {
                System.out.println("emptying Redis (FLUSHALL)");
                redis.flush();
            }
            load.submit(i);
        }
        load.awaitAnswers();
        System.out.printf("%d tasks submitted (%d requests failed with a replica going down and were sent again "
                + "to another one under the same Idempotency-Key)%n", load.submitted(), load.sentAgain());
        Map<String, Object> out = invariants.settleAndCheck(load, fleet, timeout);
        out.put("seconds", Percentiles.round((System.nanoTime() - start) / 1e9));
        out.put("attempts_ended_by_timeout", invariants.causes(load.type(), Invariants.TIMEOUT_CAUSES));
        return out;
    }
}
