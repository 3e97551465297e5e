package io.clawbot.coordinator.application.insight;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.application.fakes.MutableClock;
import io.clawbot.coordinator.domain.insight.LatencyHistogram;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RecentDispatchesTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final RecentDispatches recent = new RecentDispatches(clock);

    @Test
    void dispatches_count_for_a_minute_then_age_out_slice_by_slice() {
        recent.record(Duration.ofMillis(2));
        clock.advance(Duration.ofSeconds(30));
        recent.record(Duration.ofMillis(40));
        assertThat(recent.lastWindow().count()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(31)); // the first is 61 s old, the second 31 s
        LatencyHistogram left = recent.lastWindow();
        assertThat(left.count()).isEqualTo(1);
        assertThat(left.counts()[LatencyHistogram.bucketOf(Duration.ofMillis(40))]).isEqualTo(1);

        clock.advance(Duration.ofSeconds(30));
        assertThat(recent.lastWindow().count()).isZero();
    }

    @Test
    void a_slice_reused_after_a_quiet_minute_starts_empty() {
        recent.record(Duration.ofMillis(1));
        clock.advance(RecentDispatches.WINDOW.multipliedBy(3)); // the same row, three windows later
        recent.record(Duration.ofMillis(1));
        assertThat(recent.lastWindow().count()).isEqualTo(1);
    }

    @Test
    void dispatches_recorded_from_many_threads_are_all_counted() throws Exception {
        int threads = 8;
        int each = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    recent.record(Duration.ofMillis((i + offset) % 50));
                    if (i % 1000 == 0) {
                        recent.lastWindow();
                    }
                }
            });
            thread.start();
            running.add(thread);
        }
        start.countDown();
        for (Thread thread : running) {
            thread.join();
        }
        assertThat(recent.lastWindow().count()).isEqualTo((long) threads * each);
    }
}
