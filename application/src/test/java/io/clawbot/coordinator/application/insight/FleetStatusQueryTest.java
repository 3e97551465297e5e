package io.clawbot.coordinator.application.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.MutableClock;
import io.clawbot.coordinator.application.watch.Watches;
import io.clawbot.coordinator.domain.dispatch.port.ReplicaCensus;
import io.clawbot.coordinator.domain.insight.Capacity;
import io.clawbot.coordinator.domain.insight.FleetStatus;
import io.clawbot.coordinator.domain.insight.LatencyHistogram;
import io.clawbot.coordinator.domain.insight.port.Insights;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The status shared by its pollers and followers, with stand-ins for the database and the census it reads. */
class FleetStatusQueryTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final AtomicInteger reads = new AtomicInteger();
    private final LatencyHistogram dispatches = LatencyHistogram.EMPTY.plus(
            LatencyHistogram.of(new long[]{ 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }));

    private final Insights insights = reading(now -> {
        reads.incrementAndGet();
        return Uni.createFrom().item(new FleetStatus(List.of(), 0, 0, 0, 0, reads.get(),
                Map.of("online", 1L, "busy", 0L, "offline", 0L), new FleetStatus.Slots(1, 0), now));
    });

    /** A database whose status reads answer as {@code status} says; nothing else is read here. */
    private static Insights reading(java.util.function.Function<Instant, Uni<FleetStatus>> status) {
        return new Insights() {
            @Override
            public Uni<FleetStatus> status(Instant now) {
                return status.apply(now);
            }

            @Override
            public Uni<Capacity> capacity(String type) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Uni<Long> ahead(Task task, Instant now) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Uni<java.util.List<io.clawbot.coordinator.domain.id.TaskId>> holdingKey(String key, int limit) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Uni<Instant> rateBucket(String key) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private final ReplicaCensus census = new ReplicaCensus() {
        @Override
        public void report(int connections, LatencyHistogram recent) {
        }

        @Override
        public Uni<Map<String, Integer>> connections() {
            return Uni.createFrom().item(Map.of("replica-a", 3));
        }

        @Override
        public Uni<LatencyHistogram> dispatches() {
            return Uni.createFrom().item(dispatches);
        }
    };

    private final FleetStatusQuery query = new FleetStatusQuery(insights, census, clock, Duration.ofSeconds(1), 2);

    private static void atLeast(AssertSubscriber<?> follower, int items) {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (follower.getItems().size() < items) {
            assertThat(System.nanoTime()).as("%d events within 5 s", items).isLessThan(until);
            Thread.onSpinWait();
        }
    }

    @Test
    void the_view_joins_the_database_and_the_census() {
        FleetStatusQuery.View view = query.status().await().indefinitely();
        assertThat(view.connections()).containsEntry("replica-a", 3);
        assertThat(view.dispatches().count()).isEqualTo(4);
        assertThat(view.fleet().at()).isEqualTo(clock.instant());
    }

    @Test
    void followers_get_the_status_at_once_and_then_on_each_beat_until_the_stream_lasted_its_time() {
        AssertSubscriber<FleetStatusQuery.View> follower = query
                .follow(Duration.ofMillis(50), Duration.ofMillis(200)).subscribe()
                .withSubscriber(AssertSubscriber.create(100));
        follower.awaitCompletion(Duration.ofSeconds(5));
        assertThat(follower.getItems()).hasSize(5); // at once, then four beats
        assertThat(query.following()).isZero();
    }

    @Test
    void a_replica_serves_as_many_followers_as_it_may_and_more_once_one_leaves() {
        var first = query.follow(Duration.ofMillis(20), Duration.ofMinutes(1)).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        var second = query.follow(Duration.ofMillis(20), Duration.ofMinutes(1)).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        atLeast(first, 1);
        atLeast(second, 1);
        assertThat(query.following()).isEqualTo(2);
        assertThatThrownBy(() -> query.follow(Duration.ofMillis(20), Duration.ofMinutes(1)))
                .isInstanceOf(Watches.LimitReached.class);

        first.cancel();
        assertThat(query.following()).isEqualTo(1);
        var third = query.follow(Duration.ofMillis(20), Duration.ofMinutes(1)).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        atLeast(third, 2);
        second.cancel();
        third.cancel();
        assertThat(query.following()).isZero();
    }

    @Test
    void a_status_that_cannot_be_read_is_skipped_not_the_end_of_the_stream() {
        AtomicInteger calls = new AtomicInteger();
        Insights flaky = reading(now -> calls.incrementAndGet() == 1
                ? Uni.createFrom().failure(new IllegalStateException("the database is away"))
                : insights.status(now));
        FleetStatusQuery shaky = new FleetStatusQuery(flaky, census, clock, Duration.ofNanos(1), 1);
        var follower = shaky.follow(Duration.ofMillis(20), Duration.ofMillis(100)).subscribe()
                .withSubscriber(AssertSubscriber.create(100));
        follower.awaitCompletion(Duration.ofSeconds(5));
        assertThat(follower.getItems()).hasSize(5); // at once (unread), then five beats
    }
}
