package io.clawbot.coordinator.domain.common;

/** A bounded window over a list: at most {@link #MAX_LIMIT} items, starting at {@code offset}. */
public record PageRequest(int limit, int offset) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    public static final int MAX_OFFSET = 100_000;

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ValidationException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new ValidationException("offset", "must be between 0 and " + MAX_OFFSET);
        }
    }

    public static PageRequest of(Integer limit, Integer offset) {
        return new PageRequest(limit == null ? DEFAULT_LIMIT : limit, offset == null ? 0 : offset);
    }

    public static PageRequest first(int limit) {
        return new PageRequest(limit, 0);
    }
}
