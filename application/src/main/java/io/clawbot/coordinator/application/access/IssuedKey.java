package io.clawbot.coordinator.application.access;

import io.clawbot.coordinator.domain.access.ApiKey;
import java.util.Objects;

/** A key just created or rotated, with its secret: the only moment the secret is known. */
public record IssuedKey(ApiKey key, String secret) {

    public IssuedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
    }
}
