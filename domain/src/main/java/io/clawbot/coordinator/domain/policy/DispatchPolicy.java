package io.clawbot.coordinator.domain.policy;

import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import java.time.Instant;
import java.util.Objects;

/**
 * How the work of one task type is dispatched, as operators set it at run time. A paused type's tasks stay
 * pending: no claim takes them (a manual assignment still does) until the type is resumed; they are created,
 * retried and fired by schedules as ever, so nothing is lost and their order is kept.
 *
 * @param type the task type the policy is for
 * @param pauseReason why it was paused, as the operator said; only while paused
 * @param pausedAt when it was paused; only while paused
 * @param pausedBy who paused it ({@link Actor#value()}); only while paused
 * @param updatedAt the last change; {@code null} for a type no one has set a policy for
 * @param version raised by each change
 */
public record DispatchPolicy(String type, boolean paused, String pauseReason, Instant pausedAt, String pausedBy,
        Instant updatedAt, long version) {

    public static final int MAX_REASON_LENGTH = 500;

    public DispatchPolicy {
        Names.token("type", type);
        pauseReason = Names.optional("reason", pauseReason, MAX_REASON_LENGTH);
        if (paused) {
            Objects.requireNonNull(pausedAt, "pausedAt");
            Objects.requireNonNull(pausedBy, "pausedBy");
        } else if (pauseReason != null || pausedAt != null || pausedBy != null) {
            throw new IllegalArgumentException("a policy that is not paused has no pause reason, time or actor");
        }
    }

    /** The policy of a type no one has set one for: dispatched as usual. */
    public static DispatchPolicy none(String type) {
        return new DispatchPolicy(type, false, null, null, null, null, 0);
    }

    /**
     * This policy paused by {@code actor} at {@code now}. Pausing a paused type changes nothing: it stays paused
     * since the first pause, by the first actor, for the first reason.
     */
    public DispatchPolicy pausedBy(Actor actor, String reason, Instant now) {
        if (paused) {
            return this;
        }
        return new DispatchPolicy(type, true, reason, now, actor.value(), now, version);
    }

    /** This policy resumed at {@code now}; resuming a type that is not paused changes nothing. */
    public DispatchPolicy resumed(Instant now) {
        if (!paused) {
            return this;
        }
        return new DispatchPolicy(type, false, null, null, null, now, version);
    }

    /** Whether this policy keeps {@code task} from being claimed. */
    public boolean holdsBack(Task task) {
        return paused && type.equals(task.type());
    }
}
