package io.clawbot.coordinator.bootstrap.metrics;

import io.clawbot.coordinator.adapters.persistence.redis.ReplicaName;
import io.clawbot.coordinator.application.insight.FleetStatusQuery;
import io.clawbot.coordinator.domain.insight.FleetStatus;
import io.clawbot.coordinator.domain.insight.port.Insights;
import io.smallrye.mutiny.Multi;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The queue and the fleet as gauges, from the status query (one cheap read of the database every
 * {@code coordinator.metrics.queue-interval}). They describe the whole cluster as the database has it, so one
 * replica publishes them: the first by name among those the replica census saw lately. The others leave these
 * series out, and a sum over replicas is the cluster's figure ({@code docs/metrics.md}); when the publisher goes,
 * the next takes over at its next refresh after the census forgets it. Without Redis every replica sees only
 * itself in the census and publishes. The bots connected to this replica are its own.
 */
@ApplicationScoped
public class QueueMetrics {

    private static final Logger LOG = Logger.getLogger(QueueMetrics.class);
    /** A task type label for tasks any bot may take. */
    static final String ANY_TYPE = "_any";

    private final FleetStatusQuery status;
    private final ReplicaName replica;
    private final MeterRegistry registry;
    private final AtomicReference<View> current = new AtomicReference<>(View.EMPTY);
    private final Map<String, Boolean> typesSeen = new ConcurrentHashMap<>();
    private final List<Meter> clusterGauges = new ArrayList<>();
    private final Map<String, Long> available = new ConcurrentHashMap<>();
    private final Insights insights;
    static final int MAX_CAPACITY_READS = 200;
    private volatile boolean publishing;

    /** What the gauges read: the last status, as this replica publishes it. */
    record View(Map<String, long[]> byType, long waiting, long assigned, long running, long deadLetters,
            Map<String, Long> bots, long slotsUsed, long slotsFree, long connectedHere) {

        static final View EMPTY = new View(Map.of(), 0, 0, 0, 0, Map.of(), 0, 0, 0);
    }

    public QueueMetrics(FleetStatusQuery status, ReplicaName replica, MeterRegistry registry, Insights insights) {
        this.insights = insights;
        this.status = status;
        this.replica = replica;
        this.registry = registry;
        Gauge.builder("clawbot_bots_connected", () -> current.get().connectedHere())
                .description("Bots connected to this replica's WebSocket").register(registry);
        Gauge.builder("clawbot_queue_publisher", () -> publishing ? 1 : 0)
                .description("1 on the one replica that publishes the cluster's queue and fleet gauges")
                .register(registry);
    }

    /** The cluster's gauges, registered while this replica is the one that publishes them. */
    private void registerClusterGauges() {
        gauge("clawbot_tasks_waiting_steps", "Workflow steps waiting for the steps they depend on", Tags.empty(),
                () -> current.get().waiting());
        gauge("clawbot_tasks_assigned", "Tasks offered to a bot that has not accepted them yet", Tags.empty(),
                () -> current.get().assigned());
        gauge("clawbot_tasks_running", "Tasks a bot is running", Tags.empty(), () -> current.get().running());
        gauge("clawbot_dead_letters", "Tasks that failed or timed out for good", Tags.empty(),
                () -> current.get().deadLetters());
        for (String s : new String[]{ "online", "busy", "offline" }) {
            gauge("clawbot_bots", "Registered bots by status", Tags.of("status", s),
                    () -> current.get().bots().getOrDefault(s, 0L));
        }
        gauge("clawbot_bot_slots", "Slots of the bots online or busy, used and free", Tags.of("state", "used"),
                () -> current.get().slotsUsed());
        gauge("clawbot_bot_slots", "Slots of the bots online or busy, used and free", Tags.of("state", "free"),
                () -> current.get().slotsFree());
        typesSeen.keySet().forEach(this::registerTypeGauges);
    }

    @Scheduled(every = "${coordinator.metrics.queue-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return status.status().invoke(this::publish).call(this::readCapacity)
                .onFailure().invoke(f -> LOG.debug("queue metrics not refreshed; the next run tries again", f))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Reads the status now (a test's way to see the gauges move without waiting for the schedule). */
    public Uni<Void> refreshNow() {
        return refresh();
    }

    private void publish(FleetStatusQuery.View view) {
        FleetStatus fleet = view.fleet();
        String self = replica.value();
        // The replica first by name among those the census saw lately publishes; the others leave the series out.
        boolean first = view.connections().keySet().stream().allMatch(other -> self.compareTo(other) <= 0);
        Map<String, long[]> byType = new HashMap<>();
        for (FleetStatus.PendingGroup group : fleet.pending()) {
            String type = group.type() == null ? ANY_TYPE : group.type();
            if (!typesSeen.containsKey(type) && typesSeen.size() >= WorkMeters.MAX_TYPES) {
                type = WorkMeters.OTHER; // as many types as the work's metrics label; the rest together
            }
            long[] values = byType.computeIfAbsent(type, t -> new long[3]);
            values[0] += group.ready();
            values[1] += group.delayed();
            if (group.oldestReadySince() != null) {
                long age = Math.max(0, fleet.at().toEpochMilli() - group.oldestReadySince().toEpochMilli());
                values[2] = Math.max(values[2], age);
            }
        }
        int connected = view.connections().getOrDefault(self, 0);
        current.set(new View(byType, fleet.waiting(), fleet.assigned(), fleet.inProgress(), fleet.deadLetters(),
                fleet.bots(), fleet.slots().used(), fleet.slots().free(), connected));
        synchronized (this) {
            if (first && !publishing) {
                publishing = true;
                registerClusterGauges();
            } else if (!first && publishing) {
                publishing = false;
                clusterGauges.forEach(registry::remove);
                clusterGauges.clear();
            }
            for (String type : byType.keySet()) {
                if (typesSeen.putIfAbsent(type, Boolean.TRUE) == null && publishing) {
                    registerTypeGauges(type);
                }
            }
        }
    }

    /** A type's gauges, from the first time it has pending work; afterwards they read zero when it has none. */
    private void registerTypeGauges(String type) {
        gauge("clawbot_tasks_pending", "Pending tasks by type: ready to run, or delayed (a delay or a retry's "
                + "backoff ahead)", Tags.of("type", type, "state", "ready"), () -> value(type, 0));
        gauge("clawbot_tasks_pending", "Pending tasks by type: ready to run, or delayed (a delay or a retry's "
                + "backoff ahead)", Tags.of("type", type, "state", "delayed"), () -> value(type, 1));
        clusterGauges.add(Gauge.builder("clawbot_tasks_oldest_ready_age_seconds", () -> value(type, 2) / 1000.0)
                .description("How long the oldest task of the type that may run now has waited")
                .tags(Tags.of("type", type)).register(registry));
        if (!ANY_TYPE.equals(type) && !WorkMeters.OTHER.equals(type)) {
            gauge("clawbot_type_bots_available", "Bots online or busy that declare the type, for types with "
                    + "pending work", Tags.of("type", type), () -> available.getOrDefault(type, 0L));
        }
    }

    /**
     * The bots that could take each type with pending work, read by the publishing replica only (one small query
     * per such type, at most {@value #MAX_CAPACITY_READS}): what an alert on work no connected bot can take reads.
     */
    private Uni<Void> readCapacity() {
        if (!publishing) {
            return Uni.createFrom().voidItem();
        }
        List<String> types = current.get().byType().entrySet().stream()
                .filter(e -> !ANY_TYPE.equals(e.getKey()) && !WorkMeters.OTHER.equals(e.getKey())
                        && e.getValue()[0] + e.getValue()[1] > 0)
                .map(Map.Entry::getKey).limit(MAX_CAPACITY_READS).toList();
        if (types.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(types)
                .onItem().transformToUniAndConcatenate(type -> insights.capacity(type)
                        .invoke(c -> available.put(type, c.available())).replaceWithVoid())
                .collect().last().replaceWithVoid();
    }

    private long value(String type, int index) {
        long[] values = current.get().byType().get(type);
        return values == null ? 0 : values[index];
    }

    private void gauge(String name, String description, Tags tags, Supplier<Number> value) {
        clusterGauges.add(Gauge.builder(name, value).description(description).tags(tags).register(registry));
    }
}
