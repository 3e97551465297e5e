package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.Transition;
import java.time.Duration;
import java.util.Locale;

/**
 * What follows an ended attempt, as the history says it after the error: the retry and when, or that no attempt is
 * left. One wording whichever way the attempt ended and whichever road its report took.
 */
public final class RetryNote {

    /** The note of an attempt that used up the retry policy: a {@code %s} format (Java's and PostgreSQL's). */
    public static final String NO_ATTEMPTS_LEFT = "; no attempts left (%s made)";

    private RetryNote() {
    }

    /** The note for {@code transition} of an attempt's end; empty when it changed nothing. */
    public static String after(Transition<Task> transition) {
        return transition instanceof Transition.Changed<Task> changed ? after(changed.next()) : "";
    }

    /** The note for a task that has just ended an attempt and is now {@code next}; empty when nothing is to say. */
    public static String after(Task next) {
        if (next.status() == TaskStatus.PENDING) {
            String when = next.runAt() == null
                    ? "at once"
                    : "in " + String.format(Locale.ROOT, "%.1f",
                            Duration.between(next.updatedAt(), next.runAt()).toMillis() / 1000.0) + " s";
            return "; retry as attempt " + (next.attemptsMade() + 1) + " of " + next.retry().maxAttempts() + " "
                    + when;
        }
        if (next.isDeadLetter() && !next.retry().allowsRetry(next.attemptsMade(), next.errorCode())) {
            return next.attemptsMade() >= next.retry().maxAttempts()
                    ? String.format(Locale.ROOT, NO_ATTEMPTS_LEFT, next.retry().maxAttempts())
                    : "; error code " + next.errorCode() + " is not retried";
        }
        return "";
    }
}
