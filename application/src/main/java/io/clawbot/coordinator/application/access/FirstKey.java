package io.clawbot.coordinator.application.access;

import io.clawbot.coordinator.domain.access.Secrets;
import io.clawbot.coordinator.domain.access.ApiKey;
import io.clawbot.coordinator.domain.access.Role;
import io.clawbot.coordinator.domain.access.port.ApiKeyStore;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.id.KeyId;
import io.smallrye.mutiny.Uni;
import java.time.InstantSource;
import java.util.List;

/**
 * The first admin key, so that a new installation can be used at all. Either the operator provides it (a
 * Kubernetes Secret): it is stored unless it already is, whatever other keys exist. Or, on a database with no key,
 * one is made; of replicas starting together on an empty database exactly one makes it.
 */
public final class FirstKey {

    /** The name of the key made or provided at start. */
    public static final String NAME = "admin";

    private final ApiKeyStore keys;
    private final IdSource ids;
    private final InstantSource clock;

    public FirstKey(ApiKeyStore keys, IdSource ids, InstantSource clock) {
        this.keys = keys;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * Stores the provided admin key unless it is stored already.
     *
     * @return whether it was stored now
     */
    public Uni<Boolean> provide(String secret) {
        if (!Secrets.wellFormed(secret) || !secret.startsWith(Secrets.KEY_PREFIX)) {
            throw new IllegalArgumentException("the provided admin key must be '" + Secrets.KEY_PREFIX
                    + "' followed by 43 characters of base64url (32 random bytes), as the service issues them; "
                    + "make one with: echo cbk_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')");
        }
        // Named after its visible part, so that a new provided key (a rotated Secret) never collides with the last.
        return keys.createUnlessPresent(admin(NAME + "-provided-" + Secrets.visiblePart(secret), secret),
                Secrets.hash(secret));
    }

    /**
     * Makes an admin key if the database has none.
     *
     * @return the new key with its secret, or {@code null} when keys existed
     */
    public Uni<IssuedKey> makeIfNone() {
        String secret = Secrets.newKey();
        return keys.createFirst(admin(NAME, secret), Secrets.hash(secret))
                .map(stored -> stored == null ? null : new IssuedKey(stored, secret));
    }

    private ApiKey admin(String name, String secret) {
        return new ApiKey(new KeyId(ids.next()), name, Role.ADMIN, List.of(), Secrets.visiblePart(secret),
                clock.instant(), null, null, null);
    }
}
