package io.clawbot.coordinator.domain.insight;

import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.policy.KeyPolicy;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Why a task is not running, in codes a tool can act on and words a person can read. Every reason that holds is
 * given, the one that decides first.
 *
 * @param reasons empty only for a task that is running or has ended: {@link Reason#code()} then says so
 * @param keyHolders for a pending task with a concurrency key, the tasks of its key that bots hold
 * @param rateLimitedUntil for a pending task whose rate limit key's bucket is empty, when it lets the next task go
 */
public record Explanation(Task task, List<Reason> reasons, Capacity capacity, Long ahead, List<String> waitingFor,
        List<TaskId> keyHolders, Instant rateLimitedUntil) {

    /** One reason, with a stable code. */
    public record Reason(String code, String message) {
    }

    /**
     * What the policies and keys of a pending task hold it to, as read for it.
     *
     * @param typePolicy its type's stored policy; {@code null} when none applies
     * @param keyPolicy its concurrency key's stored policy; {@code null} when none applies
     * @param keyHolders the tasks bots hold of its concurrency key; {@code null} when it has none
     * @param rateBucket its rate limit key's bucket ({@link RateLimit}); {@code null} when it has none or it is full
     */
    public record Limits(DispatchPolicy typePolicy, KeyPolicy keyPolicy, List<TaskId> keyHolders, Instant rateBucket) {

        public static final Limits NONE = new Limits(null, null, null, null);
    }

    public static final String RUNNING = "running";
    public static final String ASSIGNED = "assigned";
    public static final String ENDED = "ended";
    public static final String WAITING_FOR_STEPS = "waiting_for_steps";
    public static final String DELAYED = "delayed";
    public static final String NO_BOT_REGISTERED = "no_bot_registered";
    public static final String NO_BOT_CONNECTED = "no_bot_connected";
    public static final String ALL_BUSY = "all_busy";
    public static final String BEHIND_OTHERS = "behind_other_tasks";
    public static final String ABOUT_TO_BE_DISPATCHED = "about_to_be_dispatched";
    public static final String AWAITING_DECISION = "awaiting_decision";
    public static final String PAUSED = "paused";
    public static final String AT_CONCURRENCY_LIMIT = "at_concurrency_limit";
    public static final String KEY_PAUSED = "key_paused";
    public static final String RATE_LIMITED = "rate_limited";

    public Explanation {
        reasons = List.copyOf(reasons);
        waitingFor = waitingFor == null ? List.of() : List.copyOf(waitingFor);
        keyHolders = keyHolders == null ? List.of() : List.copyOf(keyHolders);
    }

    /**
     * Explains {@code task} at {@code now}.
     *
     * @param capacity the bots that could take it; read only for a pending task
     * @param ahead tasks before it in claim order that its bots could take; only for a pending task
     * @param waitingFor for a waiting workflow step, the ids of the steps it waits for that have not ended
     */
    public static Explanation of(Task task, Instant now, Capacity capacity, Long ahead, List<String> waitingFor) {
        return of(task, now, capacity, ahead, waitingFor, Limits.NONE);
    }

    /**
     * Explains {@code task} at {@code now}, under the dispatch policy of its type.
     *
     * @param policy its type's policy; {@code null} when none applies (the task has no type, or it is not pending)
     */
    public static Explanation of(Task task, Instant now, Capacity capacity, Long ahead, List<String> waitingFor,
            DispatchPolicy policy) {
        return of(task, now, capacity, ahead, waitingFor, new Limits(policy, null, null, null));
    }

    /**
     * Explains {@code task} at {@code now}, under the dispatch policy of its type, the policy and limit of its
     * concurrency key and the bucket of its rate limit key.
     */
    public static Explanation of(Task task, Instant now, Capacity capacity, Long ahead, List<String> waitingFor,
            Limits limits) {
        DispatchPolicy policy = limits.typePolicy();
        KeyPolicy keyPolicy = limits.keyPolicy();
        List<TaskId> keyHolders = limits.keyHolders();
        Instant rateLimitedUntil = task.rate() == null ? null : task.rate().nextAt(limits.rateBucket());
        if (rateLimitedUntil != null && !rateLimitedUntil.isAfter(now)) {
            rateLimitedUntil = null;
        }
        List<Reason> reasons = new ArrayList<>();
        TaskStatus status = task.status();
        String kind = task.type() == null ? "any bot" : "a bot with capability '" + task.type() + "'";
        switch (status) {
            case IN_PROGRESS -> reasons.add(new Reason(RUNNING, "It is running on bot " + task.botId()
                    + " (attempt " + task.attempt() + ")"));
            case ASSIGNED -> reasons.add(new Reason(ASSIGNED, "It was offered to bot " + task.botId()
                    + ", which has not accepted it yet (attempt " + task.attempt() + ")"));
            case WAITING -> reasons.add(new Reason(WAITING_FOR_STEPS, waitingFor == null || waitingFor.isEmpty()
                    ? "It is a workflow step waiting for the steps it depends on"
                    : "It is a workflow step waiting for " + String.join(", ", waitingFor)));
            case PENDING -> {
                if (task.isApproval()) {
                    reasons.add(awaitingDecision(task));
                } else {
                    if (policy != null && policy.holdsBack(task)) {
                        reasons.add(paused(policy));
                    }
                    ConcurrencyLimit limit = task.concurrency();
                    if (keyPolicy != null && keyPolicy.holdsBack(task)) {
                        reasons.add(keyPaused(keyPolicy));
                    } else if (limit != null && keyHolders != null && keyHolders.size() >= limitOf(limit, keyPolicy)) {
                        reasons.add(new Reason(AT_CONCURRENCY_LIMIT, "Its concurrency key '" + limit.key()
                                + "' is at its limit of " + limitOf(limit, keyPolicy)
                                + (keyPolicy != null && keyPolicy.maxConcurrency() != null ? " (the key's policy)" : "")
                                + ": bots hold " + keyHolders.size()
                                + " of its tasks (" + keyHolders.stream().map(TaskId::toString)
                                        .collect(Collectors.joining(", "))
                                + "); it waits for one of them to end"));
                    }
                    if (rateLimitedUntil != null) {
                        reasons.add(new Reason(RATE_LIMITED, "Its rate limit key '" + task.rate().key()
                                + "' has dispatched as many tasks as its rate allows (" + task.rate().perSecond()
                                + " a second, in bursts of " + task.rate().burst() + "); the next may go at "
                                + rateLimitedUntil));
                    }
                    pending(task, now, capacity, ahead, kind, reasons);
                }
            }
            default -> reasons.add(new Reason(ENDED, "It has ended: " + status.wire()));
        }
        return new Explanation(task, reasons, status == TaskStatus.PENDING ? capacity : null,
                status == TaskStatus.PENDING ? ahead : null, waitingFor,
                status == TaskStatus.PENDING ? keyHolders : null,
                status == TaskStatus.PENDING ? rateLimitedUntil : null);
    }

    /** A paused type's tasks wait for it to be resumed, whatever else holds. */
    private static Reason paused(DispatchPolicy policy) {
        return new Reason(PAUSED, "Its type '" + policy.type() + "' has been paused since " + policy.pausedAt()
                + " by " + policy.pausedBy() + (policy.pauseReason() == null ? "" : " (" + policy.pauseReason() + ")")
                + ": no bot is offered it until the type is resumed (POST /api/v1/policies/task-types/"
                + policy.type() + "/resume)");
    }

    /** A paused key's tasks wait for it to be resumed. */
    private static Reason keyPaused(KeyPolicy policy) {
        KeyPolicy.Pause pause = policy.pause();
        return new Reason(KEY_PAUSED, "Its concurrency key '" + policy.key() + "' has been paused since "
                + pause.at() + " by " + pause.by() + (pause.reason() == null ? "" : " (" + pause.reason() + ")")
                + ": no bot is offered it until the key is resumed (POST /api/v1/policies/concurrency-keys/<key>/"
                + "resume)");
    }

    private static int limitOf(ConcurrencyLimit stated, KeyPolicy policy) {
        return policy == null ? stated.max() : policy.limitOf(stated);
    }

    /** An approval step waits for people, not bots: who may decide, and what its timeout decides. */
    private static Reason awaitingDecision(Task task) {
        Object terms = task.payload() == null ? null : task.payload().get("approval");
        Object approvers = terms instanceof java.util.Map<?, ?> m ? m.get("approvers") : null;
        Object outcome = terms instanceof java.util.Map<?, ?> m ? m.get("default_outcome") : null;
        return new Reason(AWAITING_DECISION, "It is an approval step of workflow " + task.workflowId()
                + ", waiting for a decision by a key of the " + (approvers == null ? "operator" : approvers)
                + " role or an admin (POST /api/v1/workflows/" + task.workflowId() + "/steps/<step>/approve or "
                + "/reject)" + (task.deadlineAt() == null
                        ? ""
                        : "; undecided at " + task.deadlineAt() + ", the default outcome (" + outcome + ") applies"));
    }

    private static void pending(Task task, Instant now, Capacity capacity, Long ahead, String kind,
            List<Reason> reasons) {
        if (task.runAt() != null && task.runAt().isAfter(now)) {
            reasons.add(new Reason(DELAYED, "It is not to run before " + task.runAt()
                    + (task.attempt() > 0 ? " (the backoff before attempt " + (task.attempt() + 1) + ")" : "")));
        }
        if (capacity.registered() == 0) {
            reasons.add(new Reason(NO_BOT_REGISTERED, "No bot is registered that can take it: it needs " + kind));
        } else if (capacity.available() == 0) {
            reasons.add(new Reason(NO_BOT_CONNECTED, capacity.registered() + " bot(s) can take it, but none is "
                    + "connected"));
        } else if (capacity.free() == 0) {
            reasons.add(new Reason(ALL_BUSY, "The " + capacity.available() + " connected bot(s) that can take it are"
                    + " busy: " + capacity.held() + " task(s) in " + capacity.slots() + " slot(s)"
                    + (ahead != null && ahead > 0 ? "; " + ahead + " task(s) come before it" : "")));
        } else if (ahead != null && ahead >= capacity.free()) {
            reasons.add(new Reason(BEHIND_OTHERS, ahead + " task(s) of higher priority or older come before it, "
                    + "for " + capacity.free() + " free slot(s)"));
        }
        if (reasons.isEmpty()) {
            reasons.add(new Reason(ABOUT_TO_BE_DISPATCHED, capacity.free() + " free slot(s) on connected bots can "
                    + "take it; the next dispatch round gives it to one"));
        }
    }
}
