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

    record Rejected<T>(Rejection rejection) implements Transition<T> {

        public Refusal reason() {
            return rejection.reason();
        }

        public String detail() {
            return rejection.detail();
        }
    }

    static <T> Transition<T> changed(T next) {
        return new Changed<>(next);
    }

    static <T> Transition<T> unchanged(T current) {
        return new Unchanged<>(current);
    }

    static <T> Transition<T> rejected(Refusal reason, String detail) {
        return new Rejected<>(new Rejection(reason, detail));
    }

    static <T> Transition<T> rejected(Rejection rejection) {
        return new Rejected<>(rejection);
    }

    /** The resulting state, or an {@link InvalidTransitionException} carrying the rejection. */
    default T orThrow() {
        return switch (this) {
            case Changed<T> c -> c.next();
            case Unchanged<T> u -> u.current();
            case Rejected<T> r -> throw r.rejection().toException();
        };
    }
}
