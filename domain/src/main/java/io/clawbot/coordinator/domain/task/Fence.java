package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.Refusal;
import io.clawbot.coordinator.domain.common.Rejection;
import io.clawbot.coordinator.domain.id.BotId;

/**
 * What a report about a task claims to be about: the attempt it was assigned for and, when known, the bot
 * that sends it. A report whose fence does not match the task's current attempt and bot changes nothing.
 * Either part may be absent when the caller (an operator on the HTTP API) does not know it.
 */
public record Fence(Integer attempt, BotId botId) {

    private static final Fence NONE = new Fence(null, null);

    public static Fence none() {
        return NONE;
    }

    /** {@code null} when the fence matches the task, otherwise why it does not. */
    Rejection mismatch(Task task) {
        if (attempt != null && attempt != task.attempt()) {
            return new Rejection(Refusal.STALE_ATTEMPT, "Stale attempt " + attempt + " for task " + task.id()
                    + "; the current attempt is " + task.attempt());
        }
        if (botId != null && !botId.equals(task.botId())) {
            return new Rejection(Refusal.NOT_ASSIGNED, "Task " + task.id() + " is not assigned to bot " + botId);
        }
        return null;
    }
}
