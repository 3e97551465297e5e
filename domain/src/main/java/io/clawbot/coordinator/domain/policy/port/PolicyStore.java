package io.clawbot.coordinator.domain.policy.port;

import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.policy.KeyPolicy;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * The dispatch policies of task types and of concurrency keys. The claims of the {@code WorkQueue} read them: a claim
 * never takes a task of a type or key paused before the claim began, nor more of a key's tasks than the limit the
 * key's policy set before the claim began.
 */
public interface PolicyStore {

    /** The stored policy of {@code type}, or {@code null} when none was ever set. */
    Uni<DispatchPolicy> find(String type);

    /** Every stored policy, by type. */
    Uni<List<DispatchPolicy>> list();

    /**
     * Stores {@code policy} if the stored one is still at {@code expectedVersion} (0 with none stored); fails with
     * a {@code ConflictException} otherwise. The result is the policy as stored, its version raised.
     */
    Uni<DispatchPolicy> save(DispatchPolicy policy, long expectedVersion);

    /** The stored policy of concurrency key {@code key}, or {@code null} when none was ever set. */
    Uni<KeyPolicy> findKey(String key);

    /** Every stored key policy, by key. */
    Uni<List<KeyPolicy>> listKeys();

    /**
     * Stores {@code policy} if the stored one is still at {@code expectedVersion} (0 with none stored); fails with
     * a {@code ConflictException} otherwise. The result is the policy as stored, its version raised.
     */
    Uni<KeyPolicy> saveKey(KeyPolicy policy, long expectedVersion);

    /**
     * Completes once every claim that began before the call has ended. After a pause is saved, this is the moment
     * from which no claim takes the type's (or key's) tasks until it is resumed: a claim that began earlier may
     * have read it as not paused. The same holds for a key's lowered limit.
     */
    Uni<Void> awaitClaimsUnderWay();
}
