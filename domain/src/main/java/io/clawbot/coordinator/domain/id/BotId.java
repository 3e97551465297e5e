package io.clawbot.coordinator.domain.id;

import java.util.Objects;
import java.util.UUID;

/** Identity of a registered bot. */
public record BotId(UUID value) {

    public BotId {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
