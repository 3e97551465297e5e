package io.clawbot.coordinator.adapters.persistence;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Groups writes that arrive together: while one group is being written (to PostgreSQL, or to Redis), what arrives
 * queues up and goes as the next group, up to a bound. Nothing waits on a timer, so a lone item is written at once;
 * under load one statement (and one commit), or one pipelined exchange, carries many. One group is written at a
 * time, so groups are written in the order their items arrived.
 *
 * @param <P> an item waiting to be written, carrying whatever answers its caller
 */
public final class WriteQueue<P> {

    private final int maxBatch;
    private final Function<List<P>, Uni<Void>> write;
    private final ConcurrentLinkedQueue<P> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    /**
     * @param maxBatch the most items in one group
     * @param write writes a group and answers each of its items, whether the write succeeded or not
     */
    public WriteQueue(int maxBatch, Function<List<P>, Uni<Void>> write) {
        this.maxBatch = maxBatch;
        this.write = write;
    }

    public void add(P item) {
        queue.add(item);
        drain();
    }

    /** Starts a write unless one is running; the running one picks up what queued meanwhile. */
    private void drain() {
        while (!queue.isEmpty() && writing.compareAndSet(false, true)) {
            List<P> batch = new ArrayList<>();
            P next;
            while (batch.size() < maxBatch && (next = queue.poll()) != null) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                writing.set(false);
                continue;
            }
            Uni.createFrom().deferred(() -> write.apply(batch)).subscribe().with(done -> finish(), failure -> finish());
            return;
        }
    }

    private void finish() {
        writing.set(false);
        drain();
    }
}
