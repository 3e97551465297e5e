package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.Map;

/**
 * A task's fairness key and its weight. Among ready tasks of one type and priority, keys are served in proportion
 * to their weights, by start-time fair queuing (docs/adr/0015): each task gets a tag when it is created, and
 * claims take tasks in tag order within a priority. A key's tasks take consecutive tags {@code 1 / weight} apart,
 * starting from the later of the type's virtual time and the tag of the key's previous task; so over any stretch
 * in which two keys both have ready tasks their dispatched tasks, divided by their weights, differ by at most
 * {@code 1/w1 + 1/w2}, and a key that arrives late starts at the virtual time, getting its share at once. Tasks
 * without a fairness key share the {@linkplain #DEFAULT_KEY type's default key}, of weight 1, and keep their
 * creation order.
 *
 * @param key the key, as stated or resolved from the payload; 1 to {@value #MAX_KEY_LENGTH} characters
 * @param weight {@value #MIN_WEIGHT} to {@value #MAX_WEIGHT}
 */
public record FairShare(String key, int weight) {

    public static final int MAX_KEY_LENGTH = 200;
    public static final int MIN_WEIGHT = 1;
    public static final int MAX_WEIGHT = 1000;
    /** The key the tasks without a fairness key share, per type. */
    public static final String DEFAULT_KEY = "";

    public FairShare {
        if (key == null || key.isBlank()) {
            throw new ValidationException("fairness_key", "must not be blank");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new ValidationException("fairness_key", "must be at most " + MAX_KEY_LENGTH + " characters");
        }
        if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
            throw new ValidationException("fairness_weight", "must be between " + MIN_WEIGHT + " and " + MAX_WEIGHT);
        }
    }

    /**
     * The fair share a submission states, its key's placeholders resolved against the payload; {@code null} when
     * it states no key. The weight is 1 unless given, and only with a key.
     */
    public static FairShare of(String key, Integer weight, Map<String, Object> payload) {
        if (key == null) {
            if (weight != null) {
                throw new ValidationException("fairness_key", "is required with fairness_weight");
            }
            return null;
        }
        String resolved = KeyTemplate.resolve("fairness_key", key, payload, MAX_KEY_LENGTH);
        return new FairShare(resolved, weight == null ? MIN_WEIGHT : weight);
    }

    /** The key of a task's fair share: its own, or the default key. */
    public static String keyOf(Task task) {
        return task.fairness() == null ? DEFAULT_KEY : task.fairness().key();
    }

    /** The distance between a task's tag and the next of its key's: {@code 1 / weight}. */
    public static double step(Task task) {
        return 1.0 / (task.fairness() == null ? MIN_WEIGHT : task.fairness().weight());
    }

    /**
     * The virtual time of a type at a priority: the tag of its first ready pending task; when none is pending,
     * the latest tag any of the type's keys has given (so a key that comes back after a quiet spell starts level
     * with the others, never behind its own past); 0 for a type never seen.
     *
     * @param head the smallest tag among the type's ready pending tasks of that priority, or {@code null}
     * @param latest the largest tag the type's keys have given, or {@code null}
     */
    public static double virtualTime(Double head, Double latest) {
        return head != null ? head : latest != null ? latest : 0;
    }

    /**
     * Where a key's next tasks start: never before the virtual time, and never before the tag of the key's
     * previous task ({@code null} for a new key).
     */
    public static double start(double virtualTime, Double previous) {
        return previous == null ? virtualTime : Math.max(virtualTime, previous);
    }
}
