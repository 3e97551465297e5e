package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.policy.KeyPolicy;
import io.clawbot.coordinator.domain.policy.port.PolicyStore;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * The dispatch policies in memory. A claim and a write of a policy each hold the database's lock, so no claim is
 * under way once a write has returned.
 */
public final class FakePolicyStore implements PolicyStore {

    private final InMemoryDatabase db;

    public FakePolicyStore(InMemoryDatabase db) {
        this.db = db;
    }

    @Override
    public Uni<DispatchPolicy> find(String type) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return db.policies.get(type);
            }
        });
    }

    @Override
    public Uni<List<DispatchPolicy>> list() {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return db.policies.values().stream()
                        .sorted(java.util.Comparator.comparing(DispatchPolicy::type)).toList();
            }
        });
    }

    @Override
    public Uni<DispatchPolicy> save(DispatchPolicy policy, long expectedVersion) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                DispatchPolicy stored = db.policies.get(policy.type());
                long version = stored == null ? 0 : stored.version();
                if (version != expectedVersion) {
                    throw ConflictException.concurrentModification("dispatch policy of " + policy.type());
                }
                DispatchPolicy saved = new DispatchPolicy(policy.type(), policy.paused(), policy.pauseReason(),
                        policy.pausedAt(), policy.pausedBy(), policy.updatedAt(), version + 1);
                db.policies.put(saved.type(), saved);
                return saved;
            }
        });
    }

    @Override
    public Uni<KeyPolicy> findKey(String key) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return db.keyPolicies.get(key);
            }
        });
    }

    @Override
    public Uni<List<KeyPolicy>> listKeys() {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return db.keyPolicies.values().stream().sorted(java.util.Comparator.comparing(KeyPolicy::key))
                        .toList();
            }
        });
    }

    @Override
    public Uni<KeyPolicy> saveKey(KeyPolicy policy, long expectedVersion) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                KeyPolicy stored = db.keyPolicies.get(policy.key());
                long version = stored == null ? 0 : stored.version();
                if (version != expectedVersion) {
                    throw ConflictException.concurrentModification("policy of concurrency key " + policy.key());
                }
                KeyPolicy saved = new KeyPolicy(policy.key(), policy.pause(), policy.maxConcurrency(),
                        policy.updatedAt(), version + 1);
                db.keyPolicies.put(saved.key(), saved);
                return saved;
            }
        });
    }

    @Override
    public Uni<Void> awaitClaimsUnderWay() {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return null;
            }
        });
    }
}
