package io.clawbot.coordinator.botclient;

import java.util.Map;

/**
 * Does the work of one assigned task. {@link BotClient} calls it on one of its task threads, at most
 * {@code slots} at a time.
 *
 * <p>
 * Returning completes the task with the returned map as its {@code result} ({@code null} counts as an empty
 * result); throwing fails it with the exception's message as its {@code error}. When the coordinator cancels
 * the task the calling thread is interrupted and whatever the handler then returns or throws is dropped, so a
 * long-running handler should let {@link InterruptedException} propagate or check
 * {@link Thread#isInterrupted()}.
 */
@FunctionalInterface
public interface TaskHandler {

    /**
     * Runs the task.
     *
     * @param task
     *            the assignment as the coordinator sent it
     * @return the task's result, a JSON object; {@code null} for none
     * @throws Exception
     *             to fail the task; the message becomes the task's error
     */
    Map<String, Object> handle(AssignedTask task) throws Exception;
}
