package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * At most {@code perSecond} tasks of one key dispatched per second, in bursts of at most {@code burst}, counted
 * across every replica: a token bucket kept as its theoretical arrival time (the generic cell rate algorithm). A
 * key's bucket is one instant, {@code tat}: each dispatch moves it {@linkplain #interval() one interval} on from
 * the later of itself and now, and a dispatch may go while that leaves it no more than {@code burst} intervals
 * ahead of now. So in any stretch of time {@code t}, at most {@code burst + t * perSecond} of the key's tasks are
 * dispatched; a bucket left alone fills up to {@code burst} again and saves no more.
 *
 * @param key the key, as stated or resolved from the payload; 1 to {@value #MAX_KEY_LENGTH} characters
 * @param perSecond how many tasks of the key may be dispatched per second, {@value #MIN_RATE} to
 *        {@value #MAX_RATE}
 * @param burst how many may go at once after a quiet spell, {@value #MIN_BURST} to {@value #MAX_BURST}
 */
public record RateLimit(String key, double perSecond, int burst) {

    public static final int MAX_KEY_LENGTH = 200;
    public static final double MIN_RATE = 0.001;
    public static final double MAX_RATE = 100_000;
    public static final int MIN_BURST = 1;
    public static final int MAX_BURST = 100_000;

    public RateLimit {
        if (key == null || key.isBlank()) {
            throw new ValidationException("rate_limit_key", "must not be blank");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new ValidationException("rate_limit_key", "must be at most " + MAX_KEY_LENGTH + " characters");
        }
        if (!(perSecond >= MIN_RATE && perSecond <= MAX_RATE)) {
            throw new ValidationException("rate_per_second", "must be between " + MIN_RATE + " and " + (int) MAX_RATE);
        }
        if (burst < MIN_BURST || burst > MAX_BURST) {
            throw new ValidationException("rate_burst", "must be between " + MIN_BURST + " and " + MAX_BURST);
        }
    }

    /**
     * The rate limit a submission states, its key's placeholders resolved against the payload; {@code null} when it
     * states none. A key and a rate come together; the burst is optional: one second's worth, at least 1.
     */
    public static RateLimit of(String key, Double perSecond, Integer burst, Map<String, Object> payload) {
        if (key == null && perSecond == null && burst == null) {
            return null;
        }
        if (key == null) {
            throw new ValidationException("rate_limit_key", "is required with rate_per_second and rate_burst");
        }
        if (perSecond == null) {
            throw new ValidationException("rate_per_second", "is required with rate_limit_key");
        }
        String resolved = KeyTemplate.resolve("rate_limit_key", key, payload, MAX_KEY_LENGTH);
        return new RateLimit(resolved, perSecond, burst == null ? defaultBurst(perSecond) : burst);
    }

    /** One second's worth of tasks, at least 1 (and within the bounds). */
    static int defaultBurst(double perSecond) {
        return (int) Math.max(MIN_BURST, Math.min(MAX_BURST, Math.ceil(perSecond)));
    }

    /** The time one dispatch takes from the bucket: {@code 1 / perSecond}. */
    public Duration interval() {
        return Duration.ofNanos(Math.round(1e9 / perSecond));
    }

    /** How many of the key's tasks may be dispatched at {@code now}, the bucket at {@code tat} ({@code null}: full). */
    public int room(Instant tat, Instant now) {
        Instant base = tat == null || tat.isBefore(now) ? now : tat;
        double ahead = Duration.between(now, base).toNanos() / (double) interval().toNanos();
        return (int) Math.max(0, Math.floor(burst - ahead));
    }

    /** The bucket after {@code count} dispatches at {@code now}. */
    public Instant spend(Instant tat, Instant now, int count) {
        Instant base = tat == null || tat.isBefore(now) ? now : tat;
        return base.plus(interval().multipliedBy(count));
    }

    /** When the bucket at {@code tat} lets the next task go: at once when that is not after now. */
    public Instant nextAt(Instant tat) {
        return tat == null ? Instant.MIN : tat.minus(interval().multipliedBy(burst - 1L));
    }
}
