package io.clawbot.coordinator.domain.common;

import java.util.List;

/**
 * Input that breaks a rule of the model; {@link #field()} names the offending field as the API spells it, and
 * {@link #violations()}, for a document checked against a schema, lists every place inside it that is wrong.
 */
public final class ValidationException extends DomainException {

    /**
     * One way a document breaks a schema.
     *
     * @param pointer where in the document, as a JSON Pointer (RFC 6901) from the document's root ({@code ""} for
     *        the root itself)
     * @param message what is wrong there
     */
    public record Violation(String pointer, String message) {
    }

    private final String field;
    private final String detail;
    private final transient List<Violation> violations;

    public ValidationException(String field, String message) {
        this(field, message, List.of());
    }

    public ValidationException(String field, String message, List<Violation> violations) {
        super("validation", field + ": " + message);
        this.field = field;
        this.detail = message;
        this.violations = List.copyOf(violations);
    }

    public String field() {
        return field;
    }

    /** What is wrong with the field, without its name. */
    public String detail() {
        return detail;
    }

    /** For a document checked against a schema: every violation; otherwise empty. */
    public List<Violation> violations() {
        return violations;
    }

    /** The same fault, for a field inside {@code parent}: {@code steps[0].id} under {@code definition}. */
    public ValidationException under(String parent) {
        return new ValidationException(parent + "." + field, detail, violations);
    }
}
