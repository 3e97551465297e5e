package io.clawbot.coordinator.domain.common;

/** The named resource does not exist (or no longer exists). */
public final class NotFoundException extends DomainException {

    public NotFoundException(String resource, Object id) {
        super(resource + "-not-found", capitalize(resource) + " " + id + " does not exist");
    }

    private NotFoundException(String code, String message, boolean described) {
        super(code, message);
    }

    /**
     * For a resource whose name does not read as the start of a sentence ({@code workflow-definition}) or whose
     * id is more than one value: the code as usual, the detail given whole.
     */
    public static NotFoundException described(String resource, String detail) {
        return new NotFoundException(resource + "-not-found", detail, true);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
