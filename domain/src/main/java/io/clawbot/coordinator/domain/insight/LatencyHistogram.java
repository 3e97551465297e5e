package io.clawbot.coordinator.domain.insight;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Counts of durations in fixed buckets, from a millisecond to a minute, small enough to share between replicas and
 * merge: the fleet's quantile is read from the sum of the replicas' counts, which averaging their own quantiles
 * would not give. A quantile is interpolated linearly inside the bucket it falls in (as Prometheus's
 * {@code histogram_quantile} does), so it is exact to within that bucket's width; beyond the last bound it is that
 * bound.
 */
public final class LatencyHistogram {

    /** The buckets' upper bounds in microseconds; a last, open bucket holds what is longer. */
    private static final long[] BOUNDS_MICROS = { 500, 1_000, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 25_000,
            50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000, 60_000_000 };

    /** How many counts a histogram has: one per bound and the open one. */
    public static final int BUCKETS = BOUNDS_MICROS.length + 1;

    public static final LatencyHistogram EMPTY = new LatencyHistogram(new long[BUCKETS]);

    private final long[] counts;

    private LatencyHistogram(long[] counts) {
        this.counts = counts;
    }

    /** A histogram of these counts, one per bucket. */
    public static LatencyHistogram of(long... counts) {
        if (counts.length != BUCKETS) {
            throw new IllegalArgumentException("a histogram has " + BUCKETS + " counts, not " + counts.length);
        }
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("a count is never negative: " + c);
            }
        }
        return new LatencyHistogram(counts.clone());
    }

    /** The bucket a duration falls in: the first whose bound is at least it. */
    public static int bucketOf(Duration duration) {
        long micros = duration.isNegative() ? 0 : saturatedMicros(duration);
        int i = Arrays.binarySearch(BOUNDS_MICROS, micros);
        return i >= 0 ? i : -i - 1;
    }

    public long count() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    public long[] counts() {
        return counts.clone();
    }

    public LatencyHistogram plus(LatencyHistogram other) {
        long[] sum = counts.clone();
        for (int i = 0; i < BUCKETS; i++) {
            sum[i] += other.counts[i];
        }
        return new LatencyHistogram(sum);
    }

    public static LatencyHistogram sum(List<LatencyHistogram> histograms) {
        LatencyHistogram total = EMPTY;
        for (LatencyHistogram h : histograms) {
            total = total.plus(h);
        }
        return total;
    }

    /** The duration under which the fraction {@code q} of the counted ones fall; empty when nothing is counted. */
    public Optional<Duration> quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("a quantile lies in [0, 1], not " + q);
        }
        long total = count();
        if (total == 0) {
            return Optional.empty();
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long inBucket = counts[i];
            if (inBucket > 0 && below + inBucket >= rank) {
                if (i == BUCKETS - 1) {
                    return Optional.of(micros(BOUNDS_MICROS[i - 1]));
                }
                long lower = i == 0 ? 0 : BOUNDS_MICROS[i - 1];
                double within = Math.max(0, rank - below) / inBucket;
                return Optional.of(micros(Math.round(lower + within * (BOUNDS_MICROS[i] - lower))));
            }
            below += inBucket;
        }
        return Optional.of(micros(BOUNDS_MICROS[BOUNDS_MICROS.length - 1]));
    }

    /** The counts as text, comma-separated, for a shared store. */
    public String encode() {
        StringBuilder text = new StringBuilder(BUCKETS * 2);
        for (int i = 0; i < BUCKETS; i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(counts[i]);
        }
        return text.toString();
    }

    /** Reads {@link #encode()}'s text; empty when it is not that (another version's, or damaged). */
    public static Optional<LatencyHistogram> decode(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] parts = text.split(",", -1);
        if (parts.length != BUCKETS) {
            return Optional.empty();
        }
        long[] counts = new long[BUCKETS];
        try {
            for (int i = 0; i < BUCKETS; i++) {
                counts[i] = Long.parseLong(parts[i]);
                if (counts[i] < 0) {
                    return Optional.empty();
                }
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(new LatencyHistogram(counts));
    }

    private static Duration micros(long micros) {
        return Duration.ofNanos(micros * 1_000);
    }

    private static long saturatedMicros(Duration d) {
        try {
            return d.toNanos() / 1_000;
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyHistogram other && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "LatencyHistogram[" + encode() + "]";
    }
}
