package io.clawbot.coordinator.domain.id;

import java.util.Objects;
import java.util.UUID;

/** Identity of an API key: stable across rotations of its secret. */
public record KeyId(UUID value) {

    public KeyId {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
