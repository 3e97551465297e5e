package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges.Versioned;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.KeyedBatch;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Tasks on PostgreSQL through the reactive PG client: plain set-based SQL, batched where a step writes several
 * rows, every state change conditional on the version it was computed from.
 */
@ApplicationScoped
public class PgTaskStore implements TaskStore {

    static final String IDEMPOTENCY_SCOPE = "tasks";

    static final String HELD = "status in ('assigned', 'in_progress')";

    private final Pool pool;
    private final WorkMetrics metrics;
    private final CreationBatcher creations = new CreationBatcher(
            one -> createAlone(one.task(), one.creation(), one.key()), this::createAll,
            replayed -> findById(replayed.id()));

    public PgTaskStore(Pool pool) {
        this(pool, WorkMetrics.NONE);
    }

    /** @param metrics told of each task created */
    @Inject
    public PgTaskStore(Pool pool, WorkMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
    }

    /**
     * Creations that arrive while another is being written go together in the next write ({@link CreationBatcher}),
     * as {@link #createAll} writes a batch; a lone one is written by itself.
     */
    @Override
    public Uni<Created<Task>> create(Task task, TaskTransitioned creation, IdempotencyKey key) {
        return creations.create(new NewTask(task, creation, key));
    }

    /**
     * Without an idempotency key the creation is one autocommitted statement: the task's fair share tag, the task
     * and its creation entry (one round trip, one commit). With one, the key is claimed in a transaction while the
     * tag is reserved alongside, in a statement of its own ({@link FairTags}), so that no key's row is held by the
     * transaction.
     */
    private Uni<Created<Task>> createAlone(Task task, TaskTransitioned creation, IdempotencyKey key) {
        Uni<Created<Task>> stored;
        if (key == null) {
            stored = pool.preparedQuery(TaskRows.INSERT_ALONE).execute(TaskRows.insertAloneParams(task, creation))
                    .replaceWith(Created.fresh(task));
        } else {
            Uni<Map<TaskId, Double>> tags = reserveNow(List.of(task));
            stored = pool.withTransaction(conn -> IdempotencyKeys.claim(conn, IDEMPOTENCY_SCOPE, key,
                    task.id().value())
                    .flatMap(existing -> existing != null
                            ? findById(conn, new TaskId(existing)).map(Created::replay)
                            : tags.flatMap(t -> conn.preparedQuery(TaskRows.INSERT_WITH_EVENT)
                                    .execute(TaskRows.insertWithEventParams(task, t.get(task.id()), creation)))
                                    .replaceWith(Created.fresh(task))));
        }
        return stored.invoke(created -> {
            if (!created.replayed()) {
                metrics.moved(null, task, creation);
            }
        });
    }

    /**
     * The tasks' fair share tags are reserved in a statement of their own ({@link FairTags}; a replayed task's tag
     * goes unused), alongside the transaction's first statements. The keys are claimed in one statement, in key
     * order, so that batches sharing keys lock them in the same order and wait for each other rather than
     * deadlock; the tasks and their creation entries follow in one statement each.
     */
    @Override
    public Uni<List<Stored>> createAll(List<NewTask> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Uni<Map<TaskId, Double>> reserved = reserveNow(batch.stream().map(NewTask::task).toList());
        return pool.withTransaction(conn -> claimAll(conn, KeyedBatch.claimants(batch)).flatMap(stored -> reserved
                .flatMap(tags -> {
                    List<Stored> outcomes = KeyedBatch.outcomes(batch, stored);
                    List<Task> rows = new ArrayList<>();
                    List<TaskTransitioned> events = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                        if (outcomes.get(i).outcome() == Stored.Outcome.CREATED) {
                            rows.add(batch.get(i).task());
                            events.add(batch.get(i).creation());
                        }
                    }
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(outcomes);
                    }
                    return conn.preparedQuery(TaskRows.INSERT_MANY).execute(TaskRows.insertManyParams(rows, tags))
                            .flatMap(ignored -> insertEvents(conn, events)).replaceWith(outcomes);
                }))).invoke(outcomes -> {
                    for (int i = 0; i < batch.size(); i++) {
                        if (outcomes.get(i).outcome() == Stored.Outcome.CREATED) {
                            metrics.moved(null, batch.get(i).task(), batch.get(i).creation());
                        }
                    }
                });
    }

    /**
     * Starts reserving the tasks' tags at once, on a connection of its own; the answer is kept for whoever waits
     * for it, and a creation that fails before it leaves a gap in its keys' tags, which costs nothing.
     */
    private Uni<Map<TaskId, Double>> reserveNow(List<Task> tasks) {
        Uni<Map<TaskId, Double>> reserved = FairTags.reserve(pool, tasks).memoize().indefinitely();
        reserved.subscribe().with(ignored -> {
        }, ignored -> {
        });
        return reserved;
    }

    /** Claims the keys; the claims stored before, by key, for those already taken. */
    private static Uni<Map<String, KeyedBatch.Claim>> claimAll(SqlConnection conn, Map<String, NewTask> claimants) {
        return claimAll(conn, claimants, 3);
    }

    /**
     * A key found taken but gone by the time it is read (the retention sweep, or the deletion of its task, removed
     * it in between) is claimed again, so that no task is created without the key it was sent with.
     */
    private static Uni<Map<String, KeyedBatch.Claim>> claimAll(SqlConnection conn, Map<String, NewTask> claimants,
            int tries) {
        if (claimants.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        int n = claimants.size();
        String[] keys = new String[n];
        String[] fingerprints = new String[n];
        UUID[] ids = new UUID[n];
        int i = 0;
        for (NewTask task : claimants.values()) {
            keys[i] = task.key().key();
            fingerprints[i] = task.key().fingerprint();
            ids[i++] = task.task().id().value();
        }
        return conn.preparedQuery("insert into idempotency_keys (scope, key, fingerprint, resource_id) "
                + "select $1, k, f, r from unnest($2::text[], $3::text[], $4::uuid[]) as c(k, f, r) order by k "
                + "on conflict do nothing returning key")
                .execute(Tuple.of(IDEMPOTENCY_SCOPE, keys, fingerprints, ids)).flatMap(claimed -> {
                    if (claimed.rowCount() == n) {
                        return Uni.createFrom().item(Map.<String, KeyedBatch.Claim>of());
                    }
                    java.util.Set<String> mine = new java.util.HashSet<>();
                    claimed.forEach(row -> mine.add(row.getString(0)));
                    String[] taken = claimants.keySet().stream().filter(k -> !mine.contains(k))
                            .toArray(String[]::new);
                    return conn.preparedQuery("select key, fingerprint, resource_id from idempotency_keys "
                            + "where scope = $1 and key = any($2::text[])")
                            .execute(Tuple.of(IDEMPOTENCY_SCOPE, taken)).flatMap(rows -> {
                                Map<String, KeyedBatch.Claim> stored = new HashMap<>();
                                rows.forEach(row -> stored.put(row.getString(0), new KeyedBatch.Claim(
                                        row.getString(1), new TaskId(row.getUUID(2)))));
                                Map<String, NewTask> gone = new java.util.LinkedHashMap<>();
                                for (String key : taken) {
                                    if (!stored.containsKey(key)) {
                                        gone.put(key, claimants.get(key));
                                    }
                                }
                                if (gone.isEmpty()) {
                                    return Uni.createFrom().item(stored);
                                }
                                if (tries <= 1) {
                                    return Uni.createFrom().failure(new IllegalStateException(
                                            "idempotency keys kept disappearing while being claimed"));
                                }
                                return claimAll(conn, gone, tries - 1).map(again -> {
                                    stored.putAll(again);
                                    return stored;
                                });
                            });
                });
    }

    @Override
    public Uni<Task> findById(TaskId id) {
        return findById(pool, id);
    }

    private static Uni<Task> findById(SqlClient client, TaskId id) {
        return client.preparedQuery("select " + TaskRows.COLUMNS + " from tasks where id = $1")
                .execute(Tuple.of(id.value()))
                .map(rows -> rows.size() == 0 ? null : TaskRows.toTask(rows.iterator().next()));
    }

    @Override
    public Uni<List<TaskTransitioned>> history(TaskId id) {
        return pool.preparedQuery("select task_id, from_status, to_status, attempt, actor, reason, occurred_at, cause "
                + "from task_events where task_id = $1 order by id")
                .execute(Tuple.of(id.value()))
                .map(rows -> {
                    List<TaskTransitioned> out = new ArrayList<>(rows.size());
                    rows.forEach(row -> out.add(TaskRows.toEvent(row)));
                    return out;
                });
    }

    @Override
    public Uni<List<Task>> list(TaskQuery query, PageRequest page) {
        Sql.Where where = new Sql.Where()
                .and("status = ?", query.status() == null || query.order() == TaskQuery.Order.DEAD_LETTERS
                        ? null
                        : query.status().wire())
                .and("bot_id = ?", query.botId() == null ? null : query.botId().value())
                .and("workflow_id = ?", query.workflowId() == null ? null : query.workflowId().value())
                .and("type = ?", query.type())
                .and("owner_key_id = ?", query.owner() == null ? null : query.owner().value());
        if (query.order() == TaskQuery.Order.DEAD_LETTERS) {
            where.andIf(true, "status in ('failed', 'timed_out')");
        }
        String order = switch (query.order()) {
            // Within a type, claims take tasks in fair share order; across types, by age.
            case CLAIM -> query.type() == null
                    ? " order by priority desc, created_at, id"
                    : " order by priority desc, fair_tag, id";
            case DEAD_LETTERS -> " order by completed_at desc, id desc";
            case CREATED -> " order by created_at, id";
        };
        String sql = "select " + TaskRows.COLUMNS + " from tasks" + where.clause() + order
                + " limit " + where.param(page.limit()) + " offset " + where.param(page.offset());
        return pool.preparedQuery(sql).execute(where.tuple()).map(PgTaskStore::toTasks);
    }

    @Override
    public Uni<List<Task>> findByIds(List<TaskId> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery("select " + TaskRows.COLUMNS + " from tasks where id = any($1::uuid[])")
                .execute(Tuple.of(ids.stream().map(TaskId::value).toArray(UUID[]::new)))
                .map(PgTaskStore::toTasks);
    }

    @Override
    public Uni<List<Task>> findByWorkflow(WorkflowId workflowId) {
        return findByWorkflow(pool, workflowId);
    }

    @Override
    public Uni<List<Task>> findByWorkflows(List<WorkflowId> workflowIds) {
        if (workflowIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery("select " + TaskRows.COLUMNS
                + " from tasks where workflow_id = any($1::uuid[]) order by workflow_id, workflow_position")
                .execute(Tuple.of(workflowIds.stream().map(WorkflowId::value).toArray(UUID[]::new)))
                .map(PgTaskStore::toTasks);
    }

    static Uni<List<Task>> findByWorkflow(SqlClient client, WorkflowId workflowId) {
        return client.preparedQuery("select " + TaskRows.COLUMNS
                + " from tasks where workflow_id = $1 order by workflow_position")
                .execute(Tuple.of(workflowId.value()))
                .map(PgTaskStore::toTasks);
    }

    @Override
    public Uni<Long> countHeldBy(BotId botId) {
        return pool
                .preparedQuery("select count(*) from tasks where bot_id = $1 and status in ('assigned', 'in_progress')")
                .execute(Tuple.of(botId.value()))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    @Override
    public Uni<Map<BotId, Long>> countHeldBy(List<BotId> botIds) {
        UUID[] ids = botIds.stream().map(BotId::value).toArray(UUID[]::new);
        return pool.preparedQuery("select bot_id, count(*) from tasks where bot_id = any($1::uuid[]) and " + HELD
                + " group by bot_id")
                .execute(Tuple.of(ids))
                .map(rows -> {
                    Map<BotId, Long> held = new HashMap<>();
                    rows.forEach(row -> held.put(new BotId(row.getUUID(0)), row.getLong(1)));
                    return held;
                });
    }

    @Override
    public Uni<Boolean> delete(TaskId id, long expectedVersion) {
        return pool.withTransaction(conn -> conn.preparedQuery("delete from tasks where id = $1 and version = $2")
                .execute(Tuple.of(id.value(), expectedVersion))
                .flatMap(rows -> rows.rowCount() == 0
                        ? Uni.createFrom().item(false)
                        : IdempotencyKeys.forget(conn, id.value()).replaceWith(true)));
    }

    /** Writes history entries in their order: one row as is, several in one statement. */
    static Uni<Void> insertEvents(SqlConnection conn, List<TaskTransitioned> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (events.size() == 1) {
            return conn.preparedQuery(TaskRows.INSERT_EVENT).execute(TaskRows.eventParams(events.getFirst()))
                    .replaceWithVoid();
        }
        return conn.preparedQuery(TaskRows.INSERT_EVENTS).execute(TaskRows.eventsParams(events)).replaceWithVoid();
    }

    static List<Task> toTasks(RowSet<Row> rows) {
        List<Task> out = new ArrayList<>(rows.size());
        rows.forEach(row -> out.add(TaskRows.toTask(row)));
        return out;
    }
}
