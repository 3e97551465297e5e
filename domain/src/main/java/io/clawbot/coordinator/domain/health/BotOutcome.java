package io.clawbot.coordinator.domain.health;

import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How one attempt of a typed task ended for the bot that held it: completed, or failed (a failure it reported,
 * whether retried or not, or a timeout: it did not accept in time, went silent, or ran too long). An attempt the
 * bot handed back, or that was cancelled, says nothing about the bot.
 *
 * @param cause the cause code of the attempt's end ({@link TaskTransitioned#cause()}), with the error code the bot
 *        gave in brackets when it gave another
 */
public record BotOutcome(BotId botId, String type, boolean succeeded, String cause) {

    /** The causes of an attempt's end that count against the bot that held it. */
    private static final Set<String> FAILURES = Set.of("failed", "retry_scheduled", "timed_out",
            Task.Timeout.ACK.code(), Task.Timeout.LEASE.code(), Task.Timeout.EXECUTION.code());

    public BotOutcome {
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(cause, "cause");
    }

    /**
     * The outcome a committed transition tells of, if it ends an attempt of a typed task that a bot held.
     *
     * @param before the task before, or {@code null} when the writer did not have it (the bot is then the one the
     *        task as written names)
     */
    public static Optional<BotOutcome> of(Task before, Task task, TaskTransitioned event) {
        if (event.from() == null || !event.from().isHeldByBot() || event.to().isHeldByBot() || task.type() == null) {
            return Optional.empty();
        }
        BotId bot = before != null ? before.botId() : task.botId();
        if (bot == null) {
            return Optional.empty();
        }
        if (event.to() == TaskStatus.COMPLETED) {
            return Optional.of(new BotOutcome(bot, task.type(), true, event.cause()));
        }
        if (FAILURES.contains(event.cause()) || event.to() == TaskStatus.FAILED
                || event.to() == TaskStatus.TIMED_OUT && !Task.Timeout.SCHEDULE_TO_START.code().equals(event.cause())) {
            String code = task.errorCode();
            String cause = code == null || code.equals(event.cause())
                    ? event.cause()
                    : event.cause() + " (" + code + ")";
            return Optional.of(new BotOutcome(bot, task.type(), false, cause));
        }
        return Optional.empty();
    }
}
