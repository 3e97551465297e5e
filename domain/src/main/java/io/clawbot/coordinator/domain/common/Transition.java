package io.clawbot.coordinator.domain.common;

/**
 * The answer of a lifecycle method: the next state, the same state for an idempotent repeat, or a rejection
 * with its reason. Expected business failures are values; the use case decides how to report them.
 */
public sealed interface Transition<T> {

    record Changed<T>(T next) implements Transition<T> {
    }

    record Unchanged<T>(T current) implements Transition<T> {
    }

    record Rejected<T>(String reason) implements Transition<T> {
    }

    static <T> Transition<T> changed(T next) {
        return new Changed<>(next);
    }

    static <T> Transition<T> unchanged(T current) {
        return new Unchanged<>(current);
    }

    static <T> Transition<T> rejected(String reason) {
        return new Rejected<>(reason);
    }

    /** The resulting state, or an {@link InvalidTransitionException} carrying the reason. */
    default T orThrow() {
        return switch (this) {
            case Changed<T> c -> c.next();
            case Unchanged<T> u -> u.current();
            case Rejected<T> r -> throw new InvalidTransitionException(r.reason());
        };
    }
}
