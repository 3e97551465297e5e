package io.clawbot.coordinator.application.access;

import io.clawbot.coordinator.domain.access.Secrets;
import io.clawbot.coordinator.domain.access.ApiKey;
import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.access.port.ApiKeyStore;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.id.KeyId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** API keys: issued, listed, rotated and revoked by admins, and checked on every request. */
public final class ApiKeys {

    /** How stale a key's last-used time may get before a request writes it again. */
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    /**
     * How long a replica trusts a key it read without reading it again: a revocation or rotation made on another
     * replica takes effect here within this time (on the replica that made it, at once).
     */
    public static final Duration TRUST_FOR = Duration.ofSeconds(2);
    private static final int MAX_CACHED = 10_000;

    /** A key as read, by the hash of its secret, and until when it is trusted without reading it again. */
    private record Known(ApiKey key, Instant until) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();

    private final ApiKeyStore keys;
    private final IdSource ids;
    private final InstantSource clock;

    public ApiKeys(ApiKeyStore keys, IdSource ids, InstantSource clock) {
        this.keys = keys;
        this.ids = ids;
        this.clock = clock;
    }

    public Uni<IssuedKey> create(NewKey request) {
        Instant now = clock.instant();
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            throw new ValidationException("expires_at", "must lie in the future");
        }
        String secret = Secrets.newKey();
        ApiKey key = new ApiKey(new KeyId(ids.next()), request.name(), request.role(), request.taskTypes(),
                Secrets.visiblePart(secret), now, request.expiresAt(), null, null);
        return keys.create(key, Secrets.hash(secret)).map(stored -> new IssuedKey(stored, secret));
    }

    public Uni<List<ApiKey>> list(PageRequest page) {
        return keys.list(page);
    }

    public Uni<ApiKey> get(KeyId id) {
        return keys.findById(id).onItem().ifNull().failWith(() -> new NotFoundException("key", id));
    }

    /** A new secret for the key; the old one stops working at once. */
    public Uni<IssuedKey> rotate(KeyId id) {
        String secret = Secrets.newKey();
        return keys.replaceSecret(id, Secrets.visiblePart(secret), Secrets.hash(secret))
                .invoke(() -> forget(id))
                .onItem().ifNull().failWith(() -> new NotFoundException("key", id))
                .map(stored -> new IssuedKey(stored, secret));
    }

    /** Revokes the key (again: no change); it stays listed, revoked. */
    public Uni<ApiKey> revoke(KeyId id) {
        return keys.revoke(id, clock.instant()).invoke(() -> forget(id))
                .onItem().ifNull().failWith(() -> new NotFoundException("key", id));
    }

    private void forget(KeyId id) {
        known.values().removeIf(k -> k.key().id().equals(id));
    }

    /**
     * The caller this secret makes, or {@code null} for anything but a well-formed, known, unrevoked and unexpired
     * key. Records the use at most once a minute.
     */
    public Uni<Principal.Client> authenticate(String secret) {
        if (!Secrets.wellFormed(secret) || !secret.startsWith(Secrets.KEY_PREFIX)) {
            return Uni.createFrom().nullItem();
        }
        String hash = Secrets.hash(secret);
        Known cached = known.get(hash);
        Instant start = clock.instant();
        if (cached != null && start.isBefore(cached.until())) {
            return Uni.createFrom().item(cached.key().activeAt(start) ? cached.key().principal() : null);
        }
        return keys.findBySecretHash(hash).flatMap(key -> {
            Instant now = clock.instant();
            if (key != null) {
                if (known.size() > MAX_CACHED) {
                    known.clear();
                }
                known.put(hash, new Known(key, now.plus(TRUST_FOR)));
            }
            if (key == null || !key.activeAt(now)) {
                return Uni.createFrom().nullItem();
            }
            Uni<Void> touch = key.lastUsedAt() == null || key.lastUsedAt().plus(TOUCH_EVERY).isBefore(now)
                    ? keys.touch(key.id(), now)
                    : Uni.createFrom().voidItem();
            return touch.replaceWith(key.principal());
        });
    }
}
