package io.clawbot.coordinator.bootstrap.metrics;

import io.clawbot.coordinator.adapters.persistence.redis.RedisReplicaBus;
import io.clawbot.coordinator.application.schedule.SweepReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * What this replica's background work did, as metrics (docs/metrics.md): its sweeps by kind, the schedules it
 * fired, the hints and relayed pushes it exchanged over Redis, and whether Redis answers it.
 */
@ApplicationScoped
public class ServiceMeters {

    private static final Duration PING_PATIENCE = Duration.ofSeconds(2);

    private final MeterRegistry registry;
    private final ReactiveRedisDataSource redis;
    private final AtomicInteger redisUp = new AtomicInteger(1);
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public ServiceMeters(MeterRegistry registry, RedisReplicaBus bus, ReactiveRedisDataSource redis) {
        this.registry = registry;
        this.redis = redis;
        busCounter("clawbot.redis.messages", "Hints and relayed pushes this replica exchanged over Redis", bus,
                "hint", "sent", b -> b.counts().hintsSent());
        busCounter("clawbot.redis.messages", "Hints and relayed pushes this replica exchanged over Redis", bus,
                "hint", "received", b -> b.counts().hintsReceived());
        busCounter("clawbot.redis.messages", "Hints and relayed pushes this replica exchanged over Redis", bus,
                "relay", "sent", b -> b.counts().relaysSent());
        busCounter("clawbot.redis.messages", "Hints and relayed pushes this replica exchanged over Redis", bus,
                "relay", "received", b -> b.counts().relaysReceived());
        FunctionCounter.builder("clawbot.redis.publish.failures", bus, b -> b.counts().publishFailures())
                .description("Publishes to Redis that failed (Redis unreachable)").register(registry);
        Gauge.builder("clawbot.redis.up", redisUp, AtomicInteger::get)
                .description("1 when Redis answered this replica's last ping, 0 while it is degraded")
                .register(registry);
    }

    private void busCounter(String name, String description, RedisReplicaBus bus, String kind, String direction,
            ToDoubleFunction<RedisReplicaBus> count) {
        FunctionCounter.builder(name, bus, count).description(description).tag("kind", kind)
                .tag("direction", direction).register(registry);
    }

    @Scheduled(every = "${coordinator.metrics.queue-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> pingRedis() {
        return Uni.createFrom().deferred(() -> redis.execute("PING")).ifNoItem().after(PING_PATIENCE).fail()
                .invoke(() -> redisUp.set(1))
                .onFailure().invoke(() -> redisUp.set(0))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** A sweep of {@code kind} ran and handled {@code count} items. */
    public void swept(String kind, int count) {
        counter("clawbot.sweeps", "Sweeps run, by kind and result", "kind", kind, "result", "ok").increment();
        if (count > 0) {
            counter("clawbot.sweep.items", "What sweeps handled: stale bots, lapsed leases, passed deadlines",
                    "kind", kind, null, null).increment(count);
        }
    }

    /** A sweep of {@code kind} failed; the next one retries. */
    public void sweepFailed(String kind) {
        counter("clawbot.sweeps", "Sweeps run, by kind and result", "kind", kind, "result", "failed").increment();
    }

    /** What one schedule sweep did. */
    public void schedules(SweepReport report) {
        if (report.fired() > 0) {
            counter("clawbot.schedules.fired", "Schedule occurrences this replica fired", null, null, null, null)
                    .increment(report.fired());
        }
        if (report.skipped() > 0) {
            counter("clawbot.schedules.misfired", "Misfired schedule occurrences skipped by their policy", null,
                    null, null, null).increment(report.skipped());
        }
        if (!report.failures().isEmpty()) {
            counter("clawbot.schedules.failed", "Schedule occurrences that could not be fired", null, null, null,
                    null).increment(report.failures().size());
        }
    }

    private Counter counter(String name, String description, String tag1, String value1, String tag2,
            String value2) {
        return counters.computeIfAbsent(name + '\0' + value1 + '\0' + value2, k -> {
            Counter.Builder builder = Counter.builder(name).description(description);
            if (tag1 != null) {
                builder.tag(tag1, value1);
            }
            if (tag2 != null) {
                builder.tag(tag2, value2);
            }
            return builder.register(registry);
        });
    }
}
