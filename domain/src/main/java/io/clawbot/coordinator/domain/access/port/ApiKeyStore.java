package io.clawbot.coordinator.domain.access.port;

import io.clawbot.coordinator.domain.access.ApiKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.KeyId;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/** Durable store of API keys: each with the hash of its secret, never the secret. */
public interface ApiKeyStore {

    /**
     * Stores a new key.
     *
     * @return the stored key; fails with a {@code ConflictException} when an unrevoked key has the name
     */
    Uni<ApiKey> create(ApiKey key, String secretHash);

    /**
     * Stores {@code key} only if no key exists at all, in one transaction that two replicas cannot both pass.
     *
     * @return the stored key, or {@code null} when keys existed
     */
    Uni<ApiKey> createFirst(ApiKey key, String secretHash);

    /**
     * Stores {@code key} unless a key with this secret already exists.
     *
     * @return whether it was stored
     */
    Uni<Boolean> createUnlessPresent(ApiKey key, String secretHash);

    /** The key whose secret has this hash, revoked or not, or {@code null}. */
    Uni<ApiKey> findBySecretHash(String secretHash);

    /** The key, or {@code null}. */
    Uni<ApiKey> findById(KeyId id);

    /** Keys, oldest first. */
    Uni<List<ApiKey>> list(PageRequest page);

    /**
     * Gives an unrevoked key a new secret; the old one stops working at once.
     *
     * @return the key, or {@code null} when there is no unrevoked key with this id
     */
    Uni<ApiKey> replaceSecret(KeyId id, String prefix, String secretHash);

    /**
     * Revokes the key if it is not already; never the last live admin key, which fails with a
     * {@code ConflictException}, also when two revocations race for the last two.
     *
     * @return the key as stored afterwards, or {@code null} when there is no such key
     */
    Uni<ApiKey> revoke(KeyId id, Instant at);

    /** Records a use, at most once a minute per key: a write per request would cost every request a commit. */
    Uni<Void> touch(KeyId id, Instant at);
}
