package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The latest progress a bot reported on a task (seed 000's {@code task_progress}): any JSON object, of which
 * {@code percent} (0 to 100) and {@code message} are understood. Kept by the store beside the task, outside its
 * state machine: a report of progress changes neither the task's status nor its version, and the last one stays
 * after the task ends.
 *
 * @param data what the bot sent
 * @param attempt the attempt it was about
 * @param reportedAt when the coordinator took it
 */
public record TaskProgress(Map<String, Object> data, int attempt, Instant reportedAt) {

    public static final int MAX_MESSAGE_LENGTH = 2000;

    public TaskProgress {
        data = JsonObjects.copyOf(data);
        Objects.requireNonNull(reportedAt, "reportedAt");
    }

    /** Checks the understood fields of a bot's progress object; anything else in it is the bot's own. */
    public static Map<String, Object> validate(Map<String, Object> data) {
        if (data == null) {
            return null;
        }
        Object percent = data.get("percent");
        if (percent != null && !(percent instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 100)) {
            throw new ValidationException("progress.percent", "must be a number from 0 to 100");
        }
        Object message = data.get("message");
        if (message != null && !(message instanceof String s && s.length() <= MAX_MESSAGE_LENGTH)) {
            throw new ValidationException("progress.message", "must be a string of at most " + MAX_MESSAGE_LENGTH
                    + " characters");
        }
        return data;
    }

    /** The reported share done, 0 to 100, or {@code null} when the bot gave none. */
    public Double percent() {
        return data.get("percent") instanceof Number n ? n.doubleValue() : null;
    }

    /** The reported message, or {@code null} when the bot gave none. */
    public String message() {
        return data.get("message") instanceof String s ? s : null;
    }
}
