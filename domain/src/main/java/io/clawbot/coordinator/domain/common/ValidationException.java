package io.clawbot.coordinator.domain.common;

/** Input that breaks a rule of the model; {@link #field()} names the offending field as the API spells it. */
public final class ValidationException extends DomainException {

    private final String field;
    private final String detail;

    public ValidationException(String field, String message) {
        super("validation", field + ": " + message);
        this.field = field;
        this.detail = message;
    }

    public String field() {
        return field;
    }

    /** What is wrong with the field, without its name. */
    public String detail() {
        return detail;
    }

    /** The same fault, for a field inside {@code parent}: {@code steps[0].id} under {@code definition}. */
    public ValidationException under(String parent) {
        return new ValidationException(parent + "." + field, detail);
    }
}
