package io.clawbot.coordinator.domain.common.port;

import java.util.Map;
import java.util.Set;

/**
 * Boolean conditions in an expression language that cannot do harm: no I/O, no unbounded loops, a bounded cost.
 * A workflow step's {@code when} and a trigger's {@code match.condition} are such conditions.
 */
public interface Conditions {

    /** The longest condition accepted, in characters. */
    int MAX_LENGTH = 2000;

    /**
     * Checks that {@code expression} is a well-formed condition over {@code variables} giving a boolean.
     *
     * @throws io.clawbot.coordinator.domain.common.ValidationException naming {@code field}, with the position of
     *         the fault, when it is not
     */
    void check(String field, String expression, Set<String> variables);

    /** What a condition gave: its value, or why it could not be evaluated (then the value is {@code false}). */
    record Outcome(boolean value, String error) {

        public static Outcome of(boolean value) {
            return new Outcome(value, null);
        }
    }

    /** Evaluates a condition that {@link #check} accepted, with plain JSON values for the variables. */
    Outcome evaluate(String expression, Map<String, Object> variables);

    /** For code paths that hold no condition: refuses to evaluate any. */
    Conditions NONE = new Conditions() {

        @Override
        public void check(String field, String expression, Set<String> variables) {
            throw new IllegalStateException("no condition language is configured");
        }

        @Override
        public Outcome evaluate(String expression, Map<String, Object> variables) {
            throw new IllegalStateException("no condition language is configured");
        }
    };
}
