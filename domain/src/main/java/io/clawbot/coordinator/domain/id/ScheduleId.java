package io.clawbot.coordinator.domain.id;

import java.util.Objects;
import java.util.UUID;

/** Identity of a schedule. */
public record ScheduleId(UUID value) {

    public ScheduleId {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
