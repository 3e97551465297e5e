package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.task.KeyedBatch;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What one database would hold, shared by the fake stores the way the real ones share their tables: bots,
 * tasks, workflows, task history and idempotency keys. Every access holds this object's lock, so each store
 * call is one transaction.
 */
public final class InMemoryDatabase {

    /** A claimed idempotency key: the request it was first used for and what that request created. */
    record KeyClaim(String fingerprint, UUID resourceId) {
    }

    final Map<BotId, Bot> bots = new LinkedHashMap<>();
    final Map<TaskId, Task> tasks = new LinkedHashMap<>();
    final Map<WorkflowId, Workflow> workflows = new LinkedHashMap<>();
    final List<TaskTransitioned> history = new ArrayList<>();
    final Map<String, KeyClaim> idempotencyKeys = new LinkedHashMap<>();
    /** The {@code token_hash} column of the bots table: only bots with a current token have an entry. */
    final Map<BotId, String> tokenHashes = new LinkedHashMap<>();
    /** The {@code lease_expires_at} column of the tasks table: only held tasks have an entry. */
    final Map<TaskId, Instant> leaseExpiresAt = new LinkedHashMap<>();
    /** The {@code fair_tag} column of the tasks table, given when a task is stored first ({@link #tag}). */
    final Map<TaskId, Double> fairTags = new LinkedHashMap<>();
    /** The fair_keys table: the tag of each key's latest task, by type (its name, or "" for none) and key. */
    final Map<List<String>, Double> fairKeys = new LinkedHashMap<>();
    /** The type_policies table: only types someone set a policy for have an entry. */
    final Map<String, DispatchPolicy> policies = new LinkedHashMap<>();
    /** The rate_keys table: each rate limit key's bucket, as its theoretical arrival time; absent while full. */
    final Map<String, Instant> rateTats = new LinkedHashMap<>();
    /** The key_policies table: only concurrency keys someone set a policy for have an entry. */
    final Map<String, io.clawbot.coordinator.domain.policy.KeyPolicy> keyPolicies = new LinkedHashMap<>();
    final InstantSource clock;

    public InMemoryDatabase(InstantSource clock) {
        this.clock = clock;
    }

    /** The stored task, or {@code null}. */
    public synchronized Task task(TaskId id) {
        return tasks.get(id);
    }

    /** Stores a task row as given: a fixture for a state the service itself does not produce (any more). */
    public synchronized void overwrite(Task task) {
        if (!tasks.containsKey(task.id())) {
            tag(List.of(task));
        }
        tasks.put(task.id(), task);
    }

    /** Stores a workflow row as given: a fixture for a state the service itself does not produce (any more). */
    public synchronized void overwrite(Workflow workflow) {
        workflows.put(workflow.id(), workflow);
    }

    /** The stored bot, or {@code null}. */
    public synchronized Bot bot(BotId id) {
        return bots.get(id);
    }

    /** The hash of the bot's current token, or {@code null} when it has none (revoked or unknown bot). */
    public synchronized String tokenHash(BotId id) {
        return tokenHashes.get(id);
    }

    /** When the held task's lease lapses, or {@code null} when it has none. */
    public synchronized Instant leaseExpiresAt(TaskId id) {
        return leaseExpiresAt.get(id);
    }

    /** The stored workflow, or {@code null}. */
    public synchronized Workflow workflow(WorkflowId id) {
        return workflows.get(id);
    }

    public synchronized int taskCount() {
        return tasks.size();
    }

    /** The history of one task, oldest entry first. */
    public synchronized List<TaskTransitioned> history(TaskId id) {
        return history.stream().filter(e -> e.taskId().equals(id)).toList();
    }

    /** Every history entry of every task, in the order written. */
    public synchronized List<TaskTransitioned> allHistory() {
        return List.copyOf(history);
    }

    /** The tasks a bot holds, oldest first. */
    synchronized List<Task> heldBy(BotId botId) {
        return tasks.values().stream()
                .filter(t -> botId.equals(t.botId()) && t.status().isHeldByBot())
                .sorted(FakeTaskStore.BY_CREATION)
                .toList();
    }

    /** Puts a bot straight into the table, as a fixture, bypassing the ports. */
    public synchronized void insertBot(Bot bot) {
        bots.put(bot.id(), bot);
    }

    /** Puts a task straight into the table, as a fixture, bypassing the ports. */
    public synchronized void insertTask(Task task) {
        tag(List.of(task));
        tasks.put(task.id(), task);
    }

    /**
     * Gives the tasks one creation statement stores their fair share tags, as the store's insert does
     * (V14__fair_share.sql): each of the statement's keys, per type, moves on from the later of the virtual time
     * (as the table was before the statement) and its previous tag, by the steps of its tasks in their order.
     */
    synchronized void tag(List<Task> created) {
        Map<List<String>, List<Task>> groups = new LinkedHashMap<>();
        for (Task task : created) {
            groups.computeIfAbsent(List.of(typeKey(task), FairShare.keyOf(task)), k -> new ArrayList<>()).add(task);
        }
        Map<List<String>, Double> starts = new LinkedHashMap<>();
        groups.forEach((key, tasksOfKey) -> {
            Task first = tasksOfKey.getFirst();
            int priority = tasksOfKey.stream().mapToInt(Task::priority).max().orElseThrow();
            starts.put(key, FairShare.start(FairShare.virtualTime(head(first.type(), priority),
                    latest(key.getFirst())), fairKeys.get(key)));
        });
        for (Task task : created) {
            List<String> key = List.of(typeKey(task), FairShare.keyOf(task));
            double tag = starts.get(key) + FairShare.step(task);
            starts.put(key, tag);
            fairKeys.put(key, tag);
            fairTags.putIfAbsent(task.id(), tag);
        }
    }

    /** A task's fair share tag; 0 for one stored before tags were given. */
    synchronized double fairTag(Task task) {
        return fairTags.getOrDefault(task.id(), 0.0);
    }

    private static String typeKey(Task task) {
        return task.type() == null ? "" : task.type();
    }

    /** The smallest tag of the ready pending tasks of a type and priority; {@code null} when none. */
    private Double head(String type, int priority) {
        Instant now = clock.instant();
        return tasks.values().stream()
                .filter(t -> t.status() == TaskStatus.PENDING && java.util.Objects.equals(t.type(), type)
                        && t.priority() == priority && (t.runAt() == null || !t.runAt().isAfter(now)))
                .map(this::fairTag).min(Double::compare).orElse(null);
    }

    /** The latest tag of any key of the type; {@code null} when none. */
    private Double latest(String typeKey) {
        return fairKeys.entrySet().stream().filter(e -> e.getKey().getFirst().equals(typeKey))
                .map(Map.Entry::getValue).max(Double::compare).orElse(null);
    }

    /** Sets a task's lease straight in the table, as a fixture, bypassing the ports. */
    public synchronized void setLease(TaskId id, Instant expiresAt) {
        leaseExpiresAt.put(id, expiresAt);
    }

    /**
     * Claims {@code key} in {@code scope} for {@code resourceId}.
     *
     * @return {@code null} when the key is new, otherwise the resource first created for the same request
     */
    synchronized UUID claim(String scope, IdempotencyKey key, UUID resourceId) {
        if (key == null) {
            return null;
        }
        String slot = scope + "\u0000" + key.key();
        KeyClaim existing = idempotencyKeys.get(slot);
        if (existing == null) {
            idempotencyKeys.put(slot, new KeyClaim(key.fingerprint(), resourceId));
            return null;
        }
        if (!existing.fingerprint().equals(key.fingerprint())) {
            throw new IdempotencyKeyReusedException(key.key());
        }
        return existing.resourceId();
    }

    /** The claim stored under a key, or {@code null}. */
    synchronized KeyedBatch.Claim claimed(String scope, String key) {
        KeyClaim existing = idempotencyKeys.get(scope + "\u0000" + key);
        return existing == null
                ? null
                : new KeyedBatch.Claim(existing.fingerprint(), new TaskId(existing.resourceId()));
    }

    /** Forgets the keys that point at a deleted resource. */
    synchronized void forget(UUID resourceId) {
        idempotencyKeys.values().removeIf(claim -> claim.resourceId().equals(resourceId));
    }

    synchronized List<Task> steps(WorkflowId workflowId) {
        return tasks.values().stream()
                .filter(t -> workflowId.equals(t.workflowId()))
                .sorted(Comparator.comparing(Task::workflowPosition))
                .toList();
    }

    static Task withVersion(Task t, long version) {
        return new Task(t.id(), t.type(), t.status(), t.priority(), t.payload(), t.result(), t.error(),
                t.errorCode(), t.timeoutSeconds(), t.workflowId(), t.workflowPosition(), t.botId(), t.attempt(),
                t.createdAt(), t.updatedAt(), t.assignedAt(), t.startedAt(), t.completedAt(), version, t.retry(),
                t.scheduleToStartSeconds(), t.runAt(), t.deadlineAt(), t.leaseExpiresAt(), t.attemptsBefore(),
                t.owner(), t.progress(), t.traceParent(), t.concurrency(), t.fairness(), t.rate());
    }
}
