package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.id.BotId;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The rules of the hot path, named once: which pending tasks a bot's claim takes and in which order, what a claim
 * makes of each, and which reports of a bot about a task it holds are settled in one step, with what outcome. The
 * outcomes are the task's own transitions ({@link Task#claimBy}, {@link Task#start}, {@link Task#complete},
 * {@link Task#fail}). A store may carry these out in set-based statements without loading tasks, but must agree
 * with them: the store contract tests run the same cases against the in-memory store, which applies these rules
 * as written, and against PostgreSQL.
 */
public final class FastPath {

    /**
     * The order in which a claim merges the candidates of several types (each type's taken in
     * {@link #withinType}): highest priority first, then oldest, then by id.
     */
    public static final Comparator<Task> CLAIM_ORDER = Comparator.comparingInt(Task::priority).reversed()
            .thenComparing(Task::createdAt)
            .thenComparing(t -> t.id().value());

    /**
     * The order in which a claim takes the pending tasks of one type: highest priority first, then by fair share
     * tag ({@link FairShare}: the keys' tasks interleave by their weights; without fairness keys, the order of
     * creation), then by id.
     *
     * @param tag each task's fair share tag, which the store gives it when it is created
     */
    public static Comparator<Task> withinType(ToDoubleFunction<Task> tag) {
        return Comparator.comparingInt(Task::priority).reversed().thenComparingDouble(tag)
                .thenComparing(t -> t.id().value());
    }

    private FastPath() {
    }

    /**
     * Whether a bot with these capabilities may claim the task now: it is pending, due ({@code run_at} reached) and
     * of one of the capabilities, or untyped.
     */
    public static boolean isClaimable(Task task, Collection<String> capabilities, Instant now) {
        return task.status() == TaskStatus.PENDING
                && (task.runAt() == null || !task.runAt().isAfter(now))
                && (task.type() == null || capabilities.contains(task.type()));
    }

    /** How many more tasks a bot with {@code slots} that holds {@code held} may claim. */
    public static long freeSlots(int slots, long held) {
        return Math.max(0, slots - held);
    }

    /**
     * Whether a bot's report about a task settles in one step: the bot holds the task, at the report's attempt when
     * it names one, in a status the report may leave; and, unless it is a start, the task is in no workflow (what
     * follows for the workflow is decided holding it) and a failure leaves no attempt to retry (the retry policy's
     * backoff is decided the full way). Any other report is decided the full way, which also explains a refusal.
     */
    public static boolean settlesInOneStep(Task task, BotId botId, Integer attempt, HeldReport report) {
        if (!botId.equals(task.botId()) || (attempt != null && attempt != task.attempt())) {
            return false;
        }
        return switch (report) {
            case START -> task.status() == TaskStatus.ASSIGNED;
            case COMPLETE -> task.status().isHeldByBot() && task.workflowId() == null;
            case FAIL -> task.status().isHeldByBot() && task.workflowId() == null
                    && task.attemptsMade() >= task.retry().maxAttempts();
        };
    }

    /** The outcome of a report that {@link #settlesInOneStep settles in one step}: the task's own transition. */
    public static Transition<Task> settle(Task task, BotId botId, Integer attempt, HeldReport report,
            Map<String, Object> result, String error, String errorCode, Instant now) {
        Fence fence = new Fence(attempt, botId);
        return switch (report) {
            case START -> task.start(fence, now);
            case COMPLETE -> task.complete(fence, result, now);
            // No retry is left, so the jitter draw plays no part.
            case FAIL -> task.fail(fence, error, errorCode, now, 0);
        };
    }

    /**
     * What the history says of a settled report, as the full path says it: a failure settled in one step used up
     * the task's attempts, and says so ({@link RetryNote#NO_ATTEMPTS_LEFT}).
     *
     * @param settled the task as the report left it
     */
    public static String reason(HeldReport report, String error, Task settled) {
        return switch (report) {
            case START -> "started";
            case COMPLETE -> "completed";
            case FAIL -> "failed: " + error + RetryNote.after(settled);
        };
    }
}
