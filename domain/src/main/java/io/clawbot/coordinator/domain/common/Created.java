package io.clawbot.coordinator.domain.common;

/** The outcome of a creation: the resource, and whether it was replayed for a repeated idempotency key. */
public record Created<T>(T resource, boolean replayed) {

    public static <T> Created<T> fresh(T resource) {
        return new Created<>(resource, false);
    }

    public static <T> Created<T> replay(T resource) {
        return new Created<>(resource, true);
    }
}
