package io.clawbot.coordinator.application.watch;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Clients waiting on things in the database (a task to end, a workflow's steps to move), served without a thread
 * or a connection each: every watcher of this replica is registered here, and each {@link #tick()} reads all the
 * watched things in one query per {@link #BATCH} keys, whatever the number of watchers, and hands each watcher
 * the new state when it changed. Because it reads the database, it sees changes made by any replica, with or
 * without Redis; a change reaches a watcher within one tick interval.
 *
 * @param <K> the key of a watched thing
 * @param <V> its state
 */
public final class Watches<K, V> {

    /** Keys read per query. */
    public static final int BATCH = 500;

    /** Reads the current states of some keys; a key that no longer exists is absent from the answer. */
    @FunctionalInterface
    public interface Loader<K, V> {
        Uni<Map<K, V>> load(List<K> keys);
    }

    /** There are as many watchers on this replica as it takes. */
    public static final class LimitReached extends RuntimeException {

        public LimitReached(int limit) {
            super("this replica already serves " + limit + " waiting clients; try again shortly");
        }
    }

    private final Loader<K, V> loader;
    private final Function<V, Object> stamp;
    private final Predicate<V> ended;
    private final Function<K, RuntimeException> gone;
    private final int limit;
    private final Map<K, Set<Watcher>> watchers = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicBoolean ticking = new AtomicBoolean();

    /**
     * @param stamp what tells two states apart (a version, with progress): a watcher gets a state whose stamp
     *        differs from the last one it got
     * @param ended whether a state is final: a watcher's stream ends after it
     * @param gone the failure of a watcher whose thing no longer exists
     * @param limit the most watchers at once on this replica
     */
    public Watches(Loader<K, V> loader, Function<V, Object> stamp, Predicate<V> ended,
            Function<K, RuntimeException> gone, int limit) {
        this.loader = loader;
        this.stamp = stamp;
        this.ended = ended;
        this.gone = gone;
        this.limit = limit;
    }

    /**
     * The states of {@code key} as they change, from the next tick on: the first item is the state then, and the
     * stream completes after a final state (fails when the thing is gone). Cancelling the stream ends the watch.
     */
    public Multi<V> follow(K key) {
        Objects.requireNonNull(key, "key");
        return Multi.createFrom().emitter(emitter -> {
            if (count.incrementAndGet() > limit) {
                count.decrementAndGet();
                emitter.fail(new LimitReached(limit));
                return;
            }
            Watcher watcher = new Watcher(emitter);
            watchers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(watcher);
            emitter.onTermination(() -> {
                watchers.computeIfPresent(key, (k, set) -> {
                    set.remove(watcher);
                    return set.isEmpty() ? null : set;
                });
                count.decrementAndGet();
            });
        });
    }

    /**
     * The first final state of {@code key} within {@code max}, or what {@code otherwise} gives when there is none
     * by then (the current state, read again).
     */
    public Uni<V> untilEnded(K key, Duration max, Supplier<Uni<? extends V>> otherwise) {
        return follow(key).filter(ended).toUni().ifNoItem().after(max).recoverWithUni(otherwise);
    }

    /** How many watchers this replica serves now. */
    public int watching() {
        return count.get();
    }

    /**
     * Reads every watched thing and hands the changes to their watchers. Ticks do not overlap: one that starts
     * while another runs does nothing.
     */
    public Uni<Void> tick() {
        if (watchers.isEmpty() || !ticking.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        List<K> keys = new ArrayList<>(watchers.keySet());
        List<Uni<Void>> reads = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += BATCH) {
            List<K> batch = keys.subList(from, Math.min(keys.size(), from + BATCH));
            reads.add(loader.load(batch).invoke(states -> deliver(batch, states)).replaceWithVoid());
        }
        return Uni.join().all(reads).andCollectFailures().replaceWithVoid()
                .eventually(() -> ticking.set(false));
    }

    private void deliver(List<K> keys, Map<K, V> states) {
        for (K key : keys) {
            Set<Watcher> set = watchers.get(key);
            if (set == null) {
                continue;
            }
            V state = states.get(key);
            for (Watcher watcher : set) {
                if (state == null) {
                    watcher.emitter.fail(gone.apply(key));
                } else {
                    watcher.offer(state);
                }
            }
        }
    }

    private final class Watcher {

        private final MultiEmitter<? super V> emitter;
        private Object last;

        Watcher(MultiEmitter<? super V> emitter) {
            this.emitter = emitter;
        }

        synchronized void offer(V state) {
            Object now = stamp.apply(state);
            if (now.equals(last) || emitter.isCancelled()) {
                return;
            }
            last = now;
            emitter.emit(state);
            if (ended.test(state)) {
                emitter.complete();
            }
        }
    }
}
