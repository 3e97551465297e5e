package io.clawbot.coordinator.domain.policy;

import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.Task;
import java.time.Instant;
import java.util.Objects;

/**
 * How the tasks of one concurrency key are dispatched, as operators set it at run time. A paused key's tasks stay
 * pending (no claim takes them; those bots hold run on) until it is resumed; a limit set here replaces the one its
 * tasks state, for every task of the key, pending or created later. Either way nothing is lost and the key's tasks
 * keep their order.
 *
 * @param key the concurrency key the policy is for
 * @param pause since when, by whom and why the key is paused; {@code null} when it is not
 * @param maxConcurrency how many of the key's tasks bots may hold at once; {@code null}: as each task states
 * @param updatedAt the last change; {@code null} for a key no one has set a policy for
 * @param version raised by each change
 */
public record KeyPolicy(String key, Pause pause, Integer maxConcurrency, Instant updatedAt, long version) {

    /**
     * A pause of a key.
     *
     * @param reason why, as the operator said; may be {@code null}
     * @param at when it began
     * @param by who paused it ({@link Actor#value()})
     */
    public record Pause(String reason, Instant at, String by) {

        public Pause {
            reason = Names.optional("reason", reason, DispatchPolicy.MAX_REASON_LENGTH);
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(by, "by");
        }
    }

    public KeyPolicy {
        key = key(key);
        if (maxConcurrency != null
                && (maxConcurrency < ConcurrencyLimit.MIN_MAX || maxConcurrency > ConcurrencyLimit.MAX_MAX)) {
            throw new ValidationException("max_concurrency",
                    "must be between " + ConcurrencyLimit.MIN_MAX + " and " + ConcurrencyLimit.MAX_MAX);
        }
    }

    /** A concurrency key as a policy names it: as a task may state it, and free of control characters. */
    public static String key(String key) {
        if (key == null || key.isBlank()) {
            throw new ValidationException("key", "must not be blank");
        }
        if (key.length() > ConcurrencyLimit.MAX_KEY_LENGTH) {
            throw new ValidationException("key", "must be at most " + ConcurrencyLimit.MAX_KEY_LENGTH + " characters");
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            throw new ValidationException("key", "must not contain control characters");
        }
        return key;
    }

    /** The policy of a key no one has set one for: dispatched as its tasks state. */
    public static KeyPolicy none(String key) {
        return new KeyPolicy(key, null, null, null, 0);
    }

    public boolean paused() {
        return pause != null;
    }

    /**
     * This policy paused by {@code actor} at {@code now}. Pausing a paused key changes nothing: it stays paused
     * since the first pause, by the first actor, for the first reason.
     */
    public KeyPolicy pausedBy(Actor actor, String reason, Instant now) {
        if (paused()) {
            return this;
        }
        return new KeyPolicy(key, new Pause(reason, now, actor.value()), maxConcurrency, now, version);
    }

    /** This policy resumed at {@code now}; resuming a key that is not paused changes nothing. */
    public KeyPolicy resumed(Instant now) {
        if (!paused()) {
            return this;
        }
        return new KeyPolicy(key, null, maxConcurrency, now, version);
    }

    /**
     * This policy with the key's limit set to {@code max} at {@code now}, or given back to its tasks with
     * {@code null}; the same limit again changes nothing.
     */
    public KeyPolicy limitedTo(Integer max, Instant now) {
        if (Objects.equals(max, maxConcurrency)) {
            return this;
        }
        return new KeyPolicy(key, pause, max, now, version);
    }

    /**
     * How many tasks of the key bots may hold while {@code stated} is a task's own limit: none while paused, else
     * the limit set here, else the task's.
     */
    public int limitOf(ConcurrencyLimit stated) {
        if (paused()) {
            return 0;
        }
        return maxConcurrency != null ? maxConcurrency : stated.max();
    }

    /** Whether this policy's pause keeps {@code task} from being claimed. */
    public boolean holdsBack(Task task) {
        return paused() && task.concurrency() != null && key.equals(task.concurrency().key());
    }
}
