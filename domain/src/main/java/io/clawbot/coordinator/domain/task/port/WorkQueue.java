package io.clawbot.coordinator.domain.task.port;

import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.FastPath;
import io.clawbot.coordinator.domain.task.HeldReport;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;

/**
 * The hot path: claims of pending work for a bot and a bot's reports about the tasks it holds, each in one
 * statement that also writes the history entry and the bot's and workflow's status that follow. Its rules are the
 * domain's {@link FastPath}.
 */
public interface WorkQueue {

    /**
     * Claims pending tasks for one bot in one statement: up to its {@link FastPath#freeSlots free slots}, of those
     * it {@link FastPath#isClaimable may claim}, in {@link FastPath#CLAIM_ORDER}, skipping rows other claimers have
     * locked. Each claimed task becomes {@link Task#claimBy} makes it, with an acknowledgement lease, and its
     * history entry is written; a pending workflow becomes in progress and the bot becomes busy when its slots are
     * full.
     *
     * @return the claimed tasks, in claim order
     */
    Uni<List<Task>> claim(BotId botId, List<String> capabilities, int slots);

    /**
     * A bot's report about a task it holds, when it {@link FastPath#settlesInOneStep settles in one step}: the
     * task moves as {@link FastPath#settle} says, its history entry is written and, when the task ends, the bot's
     * slot is freed.
     *
     * @param attempt the attempt the report names, or {@code null} for any
     * @param actor who the history records as the report's author
     * @return the task as written, or {@code null} when the report does not settle in one step; the caller then
     *         decides it the full way, which also explains a stale or repeated report
     */
    Uni<Task> reportHeld(TaskId taskId, BotId botId, Integer attempt, HeldReport report, Map<String, Object> result,
            String error, String errorCode, Actor actor);
}
