package io.clawbot.coordinator.application.policy;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.policy.port.PolicyStore;
import io.clawbot.coordinator.domain.task.Actor;
import io.smallrye.mutiny.Uni;
import java.time.InstantSource;
import java.util.List;

/**
 * Pausing and resuming the dispatch of a task type. A pause answers once no claim can take the type's tasks any
 * more; a resume answers once it is stored, and every replica then looks for work at once.
 */
public final class DispatchPolicies {

    private final PolicyStore store;
    private final WorkSignal signal;
    private final InstantSource clock;

    public DispatchPolicies(PolicyStore store, WorkSignal signal, InstantSource clock) {
        this.store = store;
        this.signal = signal;
        this.clock = clock;
    }

    /** The policy of {@code type}: the stored one, or the default (not paused). */
    public Uni<DispatchPolicy> get(String type) {
        Names.token("type", type);
        return current(type);
    }

    /** Every type someone set a policy for, by type. */
    public Uni<List<DispatchPolicy>> list() {
        return store.list();
    }

    /**
     * Pauses {@code type}; a paused type stays paused as it was. Answers once no claim takes the type's tasks
     * any more (also when it was paused already: that pause may still be waiting for the claims under way).
     */
    public Uni<DispatchPolicy> pause(String type, String reason, Actor actor) {
        Names.token("type", type);
        Names.optional("reason", reason, DispatchPolicy.MAX_REASON_LENGTH);
        return ConcurrentRetry.<DispatchPolicy>run(() -> current(type).flatMap(policy -> {
            DispatchPolicy paused = policy.pausedBy(actor, reason, clock.instant());
            return paused == policy ? Uni.createFrom().item(policy) : store.save(paused, policy.version());
        })).call(store::awaitClaimsUnderWay);
    }

    /** Resumes {@code type}: its pending tasks are dispatched again. */
    public Uni<DispatchPolicy> resume(String type) {
        Names.token("type", type);
        return ConcurrentRetry.run(() -> current(type).flatMap(policy -> {
            DispatchPolicy resumed = policy.resumed(clock.instant());
            return resumed == policy ? Uni.createFrom().item(policy) : store.save(resumed, policy.version());
        })).invoke(signal::workMayBeAvailable);
    }

    private Uni<DispatchPolicy> current(String type) {
        return store.find(type).map(found -> found == null ? DispatchPolicy.none(type) : found);
    }
}
