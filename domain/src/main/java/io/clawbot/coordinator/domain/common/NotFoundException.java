package io.clawbot.coordinator.domain.common;

/** The named resource does not exist (or no longer exists). */
public final class NotFoundException extends DomainException {

    public NotFoundException(String resource, Object id) {
        super(resource + "-not-found", capitalize(resource) + " " + id + " does not exist");
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
