package io.clawbot.coordinator.application.insight;

import io.clawbot.coordinator.application.watch.Watches;
import io.clawbot.coordinator.domain.dispatch.port.ReplicaCensus;
import io.clawbot.coordinator.domain.insight.FleetStatus;
import io.clawbot.coordinator.domain.insight.LatencyHistogram;
import io.clawbot.coordinator.domain.insight.port.Insights;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The status of the work and the fleet, read at most once per {@code maxAge} per replica however many clients
 * poll it or follow it: concurrent callers share one read, and later ones get it until it is that old.
 */
public final class FleetStatusQuery {

    /**
     * The status with the bots connected to each replica and the fleet's dispatch latencies.
     *
     * @param dispatches the dispatches of every replica in about the last minute ({@link RecentDispatches#WINDOW})
     */
    public record View(FleetStatus fleet, Map<String, Integer> connections, LatencyHistogram dispatches) {
    }

    private final Uni<View> cached;
    private final int maxFollowers;
    private final AtomicInteger followers = new AtomicInteger();

    /** @param maxFollowers the most clients following the status at once on this replica */
    public FleetStatusQuery(Insights insights, ReplicaCensus census, InstantSource clock, Duration maxAge,
            int maxFollowers) {
        this.cached = Uni.createFrom().deferred(() -> Uni.combine().all()
                .unis(insights.status(clock.instant()), census.connections(), census.dispatches()).with(View::new))
                .memoize().atLeast(maxAge);
        this.maxFollowers = maxFollowers;
    }

    public Uni<View> status() {
        return cached;
    }

    /**
     * The status now and then every {@code every} until {@code lasting} has passed, when the stream completes (a
     * client that wants more follows again, and its key is checked again). A status that could not be read is
     * skipped, not the end of the stream.
     *
     * @throws Watches.LimitReached when this replica already serves as many followers as it may
     */
    public Multi<View> follow(Duration every, Duration lasting) {
        if (followers.get() >= maxFollowers) {
            throw new Watches.LimitReached(maxFollowers);
        }
        long beats = 1 + lasting.toMillis() / every.toMillis();
        Multi<Long> ticks = Multi.createFrom().ticks().every(every).onOverflow().drop();
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(-1L), ticks)
                .select().first(beats)
                .onItem().transformToUniAndConcatenate(tick -> cached.onFailure().recoverWithNull())
                .skip().where(view -> view == null)
                .onSubscription().invoke(() -> followers.incrementAndGet())
                .onTermination().invoke(() -> followers.decrementAndGet());
    }

    /** How many clients follow the status on this replica now. */
    public int following() {
        return followers.get();
    }
}
