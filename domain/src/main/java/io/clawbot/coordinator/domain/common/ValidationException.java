package io.clawbot.coordinator.domain.common;

/** Input that breaks a rule of the model; {@link #field()} names the offending field as the API spells it. */
public final class ValidationException extends DomainException {

    private final String field;

    public ValidationException(String field, String message) {
        super("validation", field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
