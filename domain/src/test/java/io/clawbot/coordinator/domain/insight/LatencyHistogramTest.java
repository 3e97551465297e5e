package io.clawbot.coordinator.domain.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static LatencyHistogram of(Duration... durations) {
        long[] counts = new long[LatencyHistogram.BUCKETS];
        for (Duration d : durations) {
            counts[LatencyHistogram.bucketOf(d)]++;
        }
        return LatencyHistogram.of(counts);
    }

    private static double millis(LatencyHistogram h, double q) {
        return h.quantile(q).orElseThrow().toNanos() / 1e6;
    }

    @Test
    void a_duration_falls_in_the_first_bucket_whose_bound_holds_it() {
        assertThat(LatencyHistogram.bucketOf(Duration.ZERO)).isZero();
        assertThat(LatencyHistogram.bucketOf(Duration.ofMillis(-5))).isZero();
        assertThat(LatencyHistogram.bucketOf(Duration.ofNanos(500_000))).isZero();
        assertThat(LatencyHistogram.bucketOf(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(LatencyHistogram.bucketOf(Duration.ofMillis(10))).isEqualTo(6);
        assertThat(LatencyHistogram.bucketOf(Duration.ofMillis(11))).isEqualTo(7);
        assertThat(LatencyHistogram.bucketOf(Duration.ofMinutes(2))).isEqualTo(LatencyHistogram.BUCKETS - 1);
        assertThat(LatencyHistogram.bucketOf(Duration.ofSeconds(Long.MAX_VALUE)))
                .isEqualTo(LatencyHistogram.BUCKETS - 1);
    }

    @Test
    void nothing_counted_has_no_quantile() {
        assertThat(LatencyHistogram.EMPTY.quantile(0.99)).isEmpty();
        assertThat(LatencyHistogram.EMPTY.count()).isZero();
    }

    @Test
    void quantiles_are_interpolated_inside_their_bucket() {
        // 100 dispatches spread evenly over the (5 ms, 7.5 ms] bucket: its quantiles lie inside it, in order.
        Duration[] spread = new Duration[100];
        for (int i = 0; i < 100; i++) {
            spread[i] = Duration.ofNanos(5_000_000 + (i + 1) * 25_000L);
        }
        LatencyHistogram h = of(spread);
        assertThat(millis(h, 0.5)).isEqualTo(6.25);
        assertThat(millis(h, 0.99)).isCloseTo(7.475, org.assertj.core.data.Offset.offset(0.001));
        assertThat(millis(h, 0)).isGreaterThanOrEqualTo(5.0);
    }

    @Test
    void the_99th_percentile_is_within_a_bucket_of_the_true_one() {
        Random random = new Random(42);
        Duration[] sample = new Duration[10_000];
        for (int i = 0; i < sample.length; i++) {
            // Mostly fast, with a slow tail.
            long micros = random.nextInt(100) < 95 ? 200 + random.nextInt(1_800) : 5_000 + random.nextInt(40_000);
            sample[i] = Duration.ofNanos(micros * 1_000);
        }
        long[] sorted = java.util.Arrays.stream(sample).mapToLong(Duration::toNanos).sorted().toArray();
        double trueP99 = sorted[(int) (0.99 * sorted.length) - 1] / 1e6;
        double p99 = millis(of(sample), 0.99);
        // The true value lies in (25, 50] ms; the estimate lies in the same bucket.
        assertThat(trueP99).isBetween(25.0, 50.0);
        assertThat(p99).isBetween(25.0, 50.0);
    }

    @Test
    void beyond_the_last_bound_the_quantile_is_that_bound() {
        assertThat(millis(of(Duration.ofMinutes(5)), 0.99)).isEqualTo(60_000.0);
    }

    @Test
    void histograms_add_up_and_travel_as_text() {
        LatencyHistogram a = of(Duration.ofMillis(1), Duration.ofMillis(3));
        LatencyHistogram b = of(Duration.ofMillis(3), Duration.ofSeconds(90));
        LatencyHistogram sum = LatencyHistogram.sum(List.of(a, b));
        assertThat(sum.count()).isEqualTo(4);
        assertThat(sum.counts()[LatencyHistogram.bucketOf(Duration.ofMillis(3))]).isEqualTo(2);
        assertThat(LatencyHistogram.decode(sum.encode())).contains(sum);
        assertThat(sum.plus(LatencyHistogram.EMPTY)).isEqualTo(sum);
    }

    @Test
    void text_that_is_not_a_histogram_reads_as_none() {
        assertThat(LatencyHistogram.decode(null)).isEmpty();
        assertThat(LatencyHistogram.decode("")).isEmpty();
        assertThat(LatencyHistogram.decode("1,2,3")).isEmpty();
        String negative = "-1" + ",0".repeat(LatencyHistogram.BUCKETS - 1);
        assertThat(LatencyHistogram.decode(negative)).isEmpty();
        String word = "x" + ",0".repeat(LatencyHistogram.BUCKETS - 1);
        assertThat(LatencyHistogram.decode(word)).isEmpty();
        assertThatThrownBy(() -> LatencyHistogram.of(1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyHistogram.EMPTY.quantile(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
