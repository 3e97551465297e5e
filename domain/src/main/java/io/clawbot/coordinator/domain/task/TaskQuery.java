package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.KeyId;
import io.clawbot.coordinator.domain.id.WorkflowId;

/**
 * Filters for listing tasks; every field is optional.
 *
 * @param order {@link Order#CLAIM} lists in the order bots take work: highest priority, then (for one type) in fair
 *        share order ({@link FastPath#withinType}), or (across types) oldest
 * @param owner only the tasks this key created
 */
public record TaskQuery(TaskStatus status, BotId botId, WorkflowId workflowId, String type, Order order,
        KeyId owner) {

    /** The order of a task listing. */
    public enum Order {
        /** Oldest first. */
        CREATED,
        /** Highest priority first, oldest first within a priority. */
        CLAIM,
        /** Failed and timed-out tasks (the status filter is ignored), most recently ended first. */
        DEAD_LETTERS
    }

    public TaskQuery {
        order = order == null ? Order.CREATED : order;
    }

    public TaskQuery(TaskStatus status, BotId botId, WorkflowId workflowId, String type, Order order) {
        this(status, botId, workflowId, type, order, null);
    }

    /** The same filters, confined to the tasks of {@code key} when it is not {@code null}. */
    public TaskQuery ownedBy(KeyId key) {
        return new TaskQuery(status, botId, workflowId, type, order, key);
    }

    /** The dead-letter list: tasks that failed or timed out with no retry left, optionally of one type. */
    public static TaskQuery deadLetters(String type) {
        return new TaskQuery(null, null, null, type, Order.DEAD_LETTERS);
    }

    public static TaskQuery pending(String type) {
        return new TaskQuery(TaskStatus.PENDING, null, null, type, Order.CLAIM);
    }
}
