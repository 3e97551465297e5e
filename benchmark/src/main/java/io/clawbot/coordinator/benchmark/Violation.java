package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.annotation.JsonValue;

/** A failed check of the scale-out check, with what broke it; any one in the report fails the run. */
record Violation(String what) {

    @JsonValue
    @Override
    public String toString() {
        return "VIOLATED: " + what;
    }
}
