package io.clawbot.coordinator.domain.id;

import java.util.Objects;
import java.util.UUID;

/** Identity of a task. */
public record TaskId(UUID value) {

    public TaskId {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
