package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.FastPath;
import io.clawbot.coordinator.domain.task.HeldReport;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.WorkQueue;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The hot path in memory, carried out by the domain's own rules as written ({@link FastPath}) and written through
 * the {@link FakeUnitOfWork}, so that it is the reference the SQL statements are held to by the store contract
 * tests.
 */
public final class FakeWorkQueue implements WorkQueue {

    private final InMemoryDatabase db;
    private final FakeUnitOfWork unitOfWork;
    private int claims;

    public FakeWorkQueue(InMemoryDatabase db, FakeUnitOfWork unitOfWork) {
        this.db = db;
        this.unitOfWork = unitOfWork;
    }

    @Override
    public Uni<List<Task>> claim(BotId botId, List<String> capabilities, int slots) {
        return Uni.createFrom().item(() -> {
            TaskChanges.Builder changes = TaskChanges.builder();
            synchronized (db) {
                claims++;
                Instant now = db.clock.instant();
                long held = db.heldBy(botId).size();
                Map<String, Long> heldOfKey = new java.util.HashMap<>();
                db.tasks.values().stream().filter(t -> t.concurrency() != null && t.status().isHeldByBot())
                        .forEach(t -> heldOfKey.merge(t.concurrency().key(), 1L, Long::sum));
                long free = FastPath.freeSlots(slots, held);
                Map<String, Long> heldBefore = Map.copyOf(heldOfKey);
                Map<String, Integer> takenOfRate = new java.util.HashMap<>();
                // Each type's next tasks in its own order, as many as the bot has room for, passing over the tasks
                // of keys that were full before the claim; then merged across types.
                Map<java.util.Optional<String>, List<Task>> byType = db.tasks.values().stream()
                        .filter(t -> FastPath.isClaimable(t, capabilities, now))
                        .filter(t -> t.type() == null || !db.policies.containsKey(t.type())
                                || !db.policies.get(t.type()).holdsBack(t))
                        .filter(t -> t.concurrency() == null
                                || heldBefore.getOrDefault(t.concurrency().key(), 0L) < limitOf(t))
                        .filter(t -> t.rate() == null || t.rate().room(db.rateTats.get(t.rate().key()), now) > 0)
                        .collect(java.util.stream.Collectors.groupingBy(t -> java.util.Optional.ofNullable(t.type())));
                List<Task> picked = byType.values().stream()
                        .flatMap(ofType -> ofType.stream().sorted(FastPath.withinType(db::fairTag)).limit(free))
                        .sorted(FastPath.CLAIM_ORDER)
                        // Of each concurrency key, no more than its limit leaves room for, counting those taken.
                        .filter(t -> t.concurrency() == null || heldOfKey.merge(t.concurrency().key(), 1L,
                                Long::sum) <= limitOf(t))
                        // Of each rate limit key, no more than its bucket holds.
                        .filter(t -> t.rate() == null || takenOfRate.merge(t.rate().key(), 1, Integer::sum) <= t
                                .rate().room(db.rateTats.get(t.rate().key()), now))
                        .limit(free)
                        .toList();
                picked.stream().filter(t -> t.rate() != null).collect(java.util.stream.Collectors.groupingBy(
                        t -> t.rate().key(), java.util.LinkedHashMap::new, java.util.stream.Collectors.toList()))
                        .forEach((key, ofKey) -> db.rateTats.put(key,
                                ofKey.getFirst().rate().spend(db.rateTats.get(key), now, ofKey.size())));
                List<Task> claimed = picked.stream().map(t -> t.claimBy(botId, now)).toList();
                for (int i = 0; i < picked.size(); i++) {
                    changes.task(picked.get(i), claimed.get(i), Actor.system(), "dispatched to bot " + botId);
                }
                Bot bot = db.bots.get(botId);
                if (!claimed.isEmpty() && bot != null) {
                    changes.bot(bot, bot.tookTask(held + claimed.size(), now));
                }
                claimed.stream().map(Task::workflowId).filter(id -> id != null).distinct().forEach(id -> {
                    Workflow workflow = db.workflows.get(id);
                    if (workflow.status() == WorkflowStatus.PENDING) {
                        changes.workflow(workflow, workflow.withStatus(WorkflowStatus.IN_PROGRESS, now));
                    }
                });
                unitOfWork.write(changes.build());
                return claimed.stream().map(t -> db.tasks.get(t.id())).toList();
            }
        });
    }

    /** The limit of a keyed task's key: its key's policy's, or the task's own. */
    private int limitOf(Task task) {
        var policy = db.keyPolicies.get(task.concurrency().key());
        return policy == null ? task.concurrency().max() : policy.limitOf(task.concurrency());
    }

    @Override
    public Uni<Task> reportHeld(TaskId taskId, BotId botId, Integer attempt, HeldReport report,
            Map<String, Object> result, String error, String errorCode, Actor actor) {
        return Uni.createFrom().item(() -> {
            TaskChanges.Builder changes = TaskChanges.builder();
            synchronized (db) {
                Task task = db.tasks.get(taskId);
                if (task == null || !FastPath.settlesInOneStep(task, botId, attempt, report)) {
                    return null;
                }
                Instant now = db.clock.instant();
                if (!(FastPath.settle(task, botId, attempt, report, result, error, errorCode,
                        now) instanceof Transition.Changed<Task> changed)) {
                    return null;
                }
                changes.task(task, changed.next(), actor, FastPath.reason(report, error, changed.next()));
                Bot bot = db.bots.get(botId);
                if (report != HeldReport.START && bot != null) {
                    changes.bot(bot, bot.releasedTask(db.heldBy(botId).size() - 1, now));
                }
                unitOfWork.write(changes.build());
                return db.tasks.get(taskId);
            }
        });
    }

    /** How many claim statements ran, the ones that claimed nothing included. */
    public int claimCount() {
        synchronized (db) {
            return claims;
        }
    }
}
