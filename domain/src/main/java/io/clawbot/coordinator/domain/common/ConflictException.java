package io.clawbot.coordinator.domain.common;

/** The request is valid but collides with the current state (a taken name, a concurrent change). */
public final class ConflictException extends DomainException {

    /** The code of a conditional write that found a newer version than the one it was computed from. */
    public static final String CONCURRENT_MODIFICATION = "concurrent-modification";

    public ConflictException(String code, String message) {
        super(code, message);
    }

    public static ConflictException concurrentModification(String what) {
        return new ConflictException(CONCURRENT_MODIFICATION, what + " was changed concurrently; retry the request");
    }

    public boolean isConcurrentModification() {
        return CONCURRENT_MODIFICATION.equals(code());
    }
}
