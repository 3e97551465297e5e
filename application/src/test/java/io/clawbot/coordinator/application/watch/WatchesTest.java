package io.clawbot.coordinator.application.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WatchesTest {

    /** A thing with a version and whether it has ended. */
    record Thing(long version, boolean ended) {
    }

    private final Map<String, Thing> world = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final List<Integer> batchSizes = new ArrayList<>();
    private final Watches<String, Thing> watches = new Watches<>(keys -> {
        reads.incrementAndGet();
        batchSizes.add(keys.size());
        Map<String, Thing> found = new HashMap<>();
        keys.forEach(k -> {
            if (world.containsKey(k)) {
                found.put(k, world.get(k));
            }
        });
        return Uni.createFrom().item(found);
    }, Thing::version, Thing::ended, key -> new IllegalStateException("gone: " + key), 3);

    private void tick() {
        watches.tick().await().indefinitely();
    }

    @Test
    void a_watcher_gets_each_new_state_once_and_the_stream_ends_after_the_final_one() {
        world.put("a", new Thing(1, false));
        AssertSubscriber<Thing> sub = watches.follow("a").subscribe().withSubscriber(AssertSubscriber.create(10));

        tick();
        tick();
        world.put("a", new Thing(2, false));
        tick();
        world.put("a", new Thing(3, true));
        tick();

        sub.assertCompleted().assertItems(new Thing(1, false), new Thing(2, false), new Thing(3, true));
        assertThat(watches.watching()).isZero();
    }

    @Test
    void one_read_serves_every_watcher_of_a_tick_and_no_watcher_means_no_read() {
        tick();
        assertThat(reads).hasValue(0);
        world.put("a", new Thing(1, false));
        world.put("b", new Thing(1, false));
        var one = watches.follow("a").subscribe().withSubscriber(AssertSubscriber.create(10));
        var two = watches.follow("a").subscribe().withSubscriber(AssertSubscriber.create(10));
        var three = watches.follow("b").subscribe().withSubscriber(AssertSubscriber.create(10));

        tick();

        assertThat(reads).hasValue(1);
        assertThat(batchSizes).containsExactly(2);
        one.assertItems(new Thing(1, false));
        two.assertItems(new Thing(1, false));
        three.assertItems(new Thing(1, false));
        one.cancel();
        two.cancel();
        three.cancel();
        assertThat(watches.watching()).isZero();
    }

    @Test
    void watchers_beyond_the_limit_are_refused_and_a_gone_thing_fails_its_watchers() {
        world.put("a", new Thing(1, false));
        var subs = List.of(watches.follow("a").subscribe().withSubscriber(AssertSubscriber.create(10)),
                watches.follow("a").subscribe().withSubscriber(AssertSubscriber.create(10)),
                watches.follow("x").subscribe().withSubscriber(AssertSubscriber.create(10)));
        watches.follow("a").subscribe().withSubscriber(AssertSubscriber.create(10))
                .assertFailedWith(Watches.LimitReached.class);

        tick();

        subs.get(2).assertFailedWith(IllegalStateException.class, "gone: x");
        assertThat(watches.watching()).isEqualTo(2);
    }

    @Test
    void a_wait_ends_with_the_final_state_or_after_its_time_with_the_fallback() {
        world.put("a", new Thing(1, false));
        Uni<Thing> waiting = watches.untilEnded("a", Duration.ofSeconds(30),
                () -> Uni.createFrom().item(new Thing(-1, false)));
        var sub = waiting.subscribe().withSubscriber(io.smallrye.mutiny.helpers.test.UniAssertSubscriber.create());
        tick();
        sub.assertNotTerminated();
        world.put("a", new Thing(2, true));
        tick();
        assertThat(sub.assertCompleted().getItem()).isEqualTo(new Thing(2, true));

        Thing fallback = watches.untilEnded("a", Duration.ofMillis(50), () -> Uni.createFrom().item(new Thing(-1,
                false))).await().atMost(Duration.ofSeconds(5));
        assertThat(fallback.version()).isEqualTo(-1);
        assertThat(watches.watching()).isZero();
        assertThatThrownBy(() -> watches.follow(null)).isInstanceOf(NullPointerException.class);
    }
}
