package io.clawbot.coordinator.domain.access;

import java.util.Locale;

/**
 * What an API key may do. The roles are not a ladder: a {@code reader} reads everything and changes nothing, a
 * {@code submitter} creates work and reads only the work it created, an {@code operator} does both for all work and
 * also cancels, redrives and manages schedules and definitions, an {@code admin} does everything, keys and the bot
 * registry included.
 */
public enum Role {
    ADMIN, OPERATOR, SUBMITTER, READER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role with this wire name, or {@code null}. */
    public static Role fromWire(String value) {
        for (Role role : values()) {
            if (role.wire().equals(value)) {
                return role;
            }
        }
        return null;
    }

    /** Whether this role reads all work, not only its own. */
    public boolean readsAll() {
        return this != SUBMITTER;
    }
}
