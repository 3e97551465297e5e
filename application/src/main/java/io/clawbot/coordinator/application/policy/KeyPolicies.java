package io.clawbot.coordinator.application.policy;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.policy.KeyPolicy;
import io.clawbot.coordinator.domain.policy.port.PolicyStore;
import io.clawbot.coordinator.domain.task.Actor;
import io.smallrye.mutiny.Uni;
import java.time.InstantSource;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Pausing, resuming and limiting a concurrency key at run time. A pause, and a limit, answer once no claim can go
 * against them any more; a resume, and a limit, then have every replica look for work at once (a raised limit lets
 * more of the key's tasks go).
 */
public final class KeyPolicies {

    private final PolicyStore store;
    private final WorkSignal signal;
    private final InstantSource clock;

    public KeyPolicies(PolicyStore store, WorkSignal signal, InstantSource clock) {
        this.store = store;
        this.signal = signal;
        this.clock = clock;
    }

    /** The policy of {@code key}: the stored one, or the default (not paused, the tasks' own limits). */
    public Uni<KeyPolicy> get(String key) {
        KeyPolicy.key(key);
        return current(key);
    }

    /** Every key someone set a policy for, by key. */
    public Uni<List<KeyPolicy>> list() {
        return store.listKeys();
    }

    /**
     * Pauses {@code key}; a paused key stays paused as it was. Answers once no claim takes the key's tasks any
     * more (also when it was paused already: that pause may still be waiting for the claims under way).
     */
    public Uni<KeyPolicy> pause(String key, String reason, Actor actor) {
        KeyPolicy.key(key);
        Names.optional("reason", reason, DispatchPolicy.MAX_REASON_LENGTH);
        return change(key, policy -> policy.pausedBy(actor, reason, clock.instant())).call(store::awaitClaimsUnderWay);
    }

    /** Resumes {@code key}: its pending tasks are dispatched again, within its limit. */
    public Uni<KeyPolicy> resume(String key) {
        KeyPolicy.key(key);
        return change(key, policy -> policy.resumed(clock.instant())).invoke(signal::workMayBeAvailable);
    }

    /**
     * Sets how many of {@code key}'s tasks bots may hold at once, for all its tasks whatever they state, or with
     * {@code null} gives the limit back to the tasks. Answers once no claim goes over the new limit; tasks bots
     * hold beyond a lowered limit run on, and no more are offered until the key is under it.
     */
    public Uni<KeyPolicy> limit(String key, Integer maxConcurrency) {
        KeyPolicy.none(key).limitedTo(maxConcurrency, clock.instant());
        return change(key, policy -> policy.limitedTo(maxConcurrency, clock.instant()))
                .call(store::awaitClaimsUnderWay).invoke(signal::workMayBeAvailable);
    }

    private Uni<KeyPolicy> change(String key, UnaryOperator<KeyPolicy> how) {
        return ConcurrentRetry.run(() -> current(key).flatMap(policy -> {
            KeyPolicy changed = how.apply(policy);
            return changed == policy ? Uni.createFrom().item(policy) : store.saveKey(changed, policy.version());
        }));
    }

    private Uni<KeyPolicy> current(String key) {
        return store.findKey(key).map(found -> found == null ? KeyPolicy.none(key) : found);
    }
}
