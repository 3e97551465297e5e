package io.clawbot.coordinator.application.insight;

import io.clawbot.coordinator.domain.insight.LatencyHistogram;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * This replica's dispatch latencies (from a task's being ready to its assignment to a bot) over the last
 * {@link #WINDOW}, in {@value #SLICES} slices that age out one at a time: the census shares them and the status
 * shows the fleet's quantiles from their sum. Recording is a few array writes under a lock held that long.
 */
public final class RecentDispatches implements WorkMetrics {

    static final int SLICES = 12;
    static final Duration SLICE = Duration.ofSeconds(5);
    public static final Duration WINDOW = SLICE.multipliedBy(SLICES);

    private final InstantSource clock;
    private final long[][] counts = new long[SLICES][LatencyHistogram.BUCKETS];
    /** The slice number each row holds now; a row holding an older number is stale and read as empty. */
    private final long[] sliceOf = new long[SLICES];

    public RecentDispatches(InstantSource clock) {
        this.clock = clock;
        java.util.Arrays.fill(sliceOf, -1);
    }

    @Override
    public void dispatched(Task task, Instant readySince) {
        if (task.assignedAt() != null && readySince != null) {
            record(Duration.between(readySince, task.assignedAt()));
        }
    }

    /** Counts one dispatch that took {@code latency}. */
    public void record(Duration latency) {
        int bucket = LatencyHistogram.bucketOf(latency);
        long slice = slice(clock.millis());
        int row = (int) (slice % SLICES);
        synchronized (this) {
            if (sliceOf[row] != slice) {
                java.util.Arrays.fill(counts[row], 0);
                sliceOf[row] = slice;
            }
            counts[row][bucket]++;
        }
    }

    /** The dispatches of the last {@link #WINDOW} (the current slice included). */
    public LatencyHistogram lastWindow() {
        long current = slice(clock.millis());
        long[] sum = new long[LatencyHistogram.BUCKETS];
        synchronized (this) {
            for (int row = 0; row < SLICES; row++) {
                if (sliceOf[row] > current - SLICES && sliceOf[row] <= current) {
                    for (int b = 0; b < sum.length; b++) {
                        sum[b] += counts[row][b];
                    }
                }
            }
        }
        return LatencyHistogram.of(sum);
    }

    private static long slice(long epochMillis) {
        return Math.floorDiv(epochMillis, SLICE.toMillis());
    }
}
