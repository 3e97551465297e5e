package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskChanges;
import io.clawbot.coordinator.domain.task.TaskChanges.Versioned;
import io.clawbot.coordinator.domain.task.TaskId;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.List;
import java.util.function.Function;

/**
 * Tasks on PostgreSQL through the reactive PG client: plain set-based SQL, batched where a step writes several
 * rows, every state change conditional on the version it was computed from.
 */
@ApplicationScoped
public class PgTaskStore implements TaskStore {

    static final String IDEMPOTENCY_SCOPE = "tasks";

    private static final String HELD = "status in ('assigned', 'in_progress')";

    /**
     * One statement claims for one bot: its free slots are its slots minus what it holds; the picked rows are
     * locked with SKIP LOCKED so concurrent claimers (other bots, other replicas) take other rows; the same
     * statement writes the history, moves a pending workflow to in progress and makes a full bot busy.
     */
    private static final String CLAIM = "with held as (select count(*) as n from tasks where bot_id = $1 and " + HELD
            + "), picked as (select id from tasks where status = 'pending' and (type is null or type = any($2::text[])) "
            + "and (run_at is null or run_at <= now()) "
            + "order by priority desc, created_at, id limit greatest(0, $3 - (select n from held)) "
            + "for update skip locked), "
            + "claimed as (update tasks t set status = 'assigned', bot_id = $1, attempt = t.attempt + 1, "
            + "assigned_at = now(), started_at = null, updated_at = now(), version = t.version + 1, deadline_at = null, "
            + "lease_expires_at = now() + make_interval(secs => $4::float8) from picked where t.id = picked.id "
            + "returning t.*), "
            + "history as (insert into task_events (task_id, from_status, to_status, attempt, actor, reason, "
            + "occurred_at, cause) select id, 'pending', 'assigned', attempt, 'system', 'dispatched to bot ' || "
            + "$1::text, now(), 'assigned' from claimed), "
            + "flows as (update workflows w set status = 'in_progress', updated_at = now(), version = w.version + 1 "
            + "where w.status = 'pending' and w.id in (select workflow_id from claimed where workflow_id is not null)), "
            + "full_bot as (update bots b set status = 'busy', updated_at = now(), version = b.version + 1 "
            + "where b.id = $1 and b.status = 'online' and "
            + "(select n from held) + (select count(*) from claimed) >= b.slots) "
            + "select " + TaskRows.COLUMNS + " from claimed order by priority desc, created_at, id";

    private final Pool pool;
    private final ChannelTerms terms;
    private final HeldReportBatcher reports;

    public PgTaskStore(Pool pool, ChannelTerms terms) {
        this.pool = pool;
        this.terms = terms;
        this.reports = new HeldReportBatcher(pool, () -> TaskRows.seconds(terms.lease()));
    }

    @Override
    public Uni<Created<Task>> create(Task task, TaskTransitioned creation, IdempotencyKey key) {
        return pool.withTransaction(conn -> IdempotencyKeys.claim(conn, IDEMPOTENCY_SCOPE, key, task.id().value())
                .flatMap(existing -> {
                    if (existing != null) {
                        return findById(conn, new TaskId(existing)).map(Created::replay);
                    }
                    return conn.preparedQuery(TaskRows.INSERT).execute(TaskRows.insertParams(task))
                            .flatMap(ignored -> conn.preparedQuery(TaskRows.INSERT_EVENT)
                                    .execute(TaskRows.eventParams(creation)))
                            .replaceWith(Created.fresh(task));
                }));
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
                .and("type = ?", query.type());
        if (query.order() == TaskQuery.Order.DEAD_LETTERS) {
            where.andIf(true, "status in ('failed', 'timed_out')");
        }
        String order = switch (query.order()) {
            case CLAIM -> " order by priority desc, created_at, id";
            case DEAD_LETTERS -> " order by completed_at desc, id desc";
            case CREATED -> " order by created_at, id";
        };
        String sql = "select " + TaskRows.COLUMNS + " from tasks" + where.clause() + order
                + " limit " + where.param(page.limit()) + " offset " + where.param(page.offset());
        return pool.preparedQuery(sql).execute(where.tuple()).map(PgTaskStore::toTasks);
    }

    @Override
    public Uni<List<Task>> findByWorkflow(WorkflowId workflowId) {
        return findByWorkflow(pool, workflowId);
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
    public Uni<TaskChanges> apply(TaskChanges changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().item(changes);
        }
        return pool.withTransaction(conn -> follow(conn, changes).call(all -> write(conn, all)))
                .onFailure(PgErrors::isDeadlock)
                .transform(f -> ConflictException.concurrentModification("A task or its workflow"));
    }

    /**
     * Decides what follows for the changes' workflow holding its row lock, from its steps as committed: a change of
     * another of its steps either committed before the lock was granted, and is read here, or waits for this one.
     */
    private static Uni<TaskChanges> follow(SqlConnection conn, TaskChanges changes) {
        TaskChanges.Follow follow = changes.follow();
        if (follow == null) {
            return Uni.createFrom().item(changes);
        }
        return PgWorkflowStore.lock(conn, follow.workflowId()).flatMap(workflow -> {
            if (workflow == null) {
                return Uni.createFrom().item(changes.plus(TaskChanges.builder().build()));
            }
            return findByWorkflow(conn, follow.workflowId()).map(steps -> {
                TaskChanges.Builder more = TaskChanges.builder();
                follow.rule().follow(workflow, changes.inPlace(steps), more);
                return changes.plus(more.build());
            });
        });
    }

    private Uni<Void> write(SqlConnection conn, TaskChanges changes) {
        return casBatch(conn, TaskRows.UPDATE, changes.tasks(),
                t -> TaskRows.updateParams(t.next(), t.expectedVersion(), terms), "Task")
                .flatMap(ignored -> casBatch(conn, BOT_STATUS_UPDATE, changes.bots(), PgTaskStore::botParams, "Bot"))
                .flatMap(ignored -> casBatch(conn, WORKFLOW_UPDATE, changes.workflows(), PgTaskStore::workflowParams,
                        "Workflow"))
                .flatMap(ignored -> insertEvents(conn, changes.events()));
    }

    @Override
    public Uni<List<Task>> claim(BotId botId, List<String> capabilities, int slots) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(botId.value(), capabilities.toArray(String[]::new), slots,
                        TaskRows.seconds(terms.ackTimeout())))
                .map(PgTaskStore::toTasks);
    }

    /** Batched with the reports that arrive while the previous batch is written (see {@link HeldReportBatcher}). */
    @Override
    public Uni<Task> reportHeld(TaskId taskId, BotId botId, Integer attempt, HeldReport report,
            Map<String, Object> result, String error, String errorCode) {
        return reports.report(taskId, botId, attempt, report, result, error, errorCode);
    }

    @Override
    public Uni<Void> renewRunningLeases(BotId botId) {
        return pool.preparedQuery("update tasks set lease_expires_at = now() + make_interval(secs => $2::float8) "
                + "where bot_id = $1 and status = 'in_progress'")
                .execute(Tuple.of(botId.value(), TaskRows.seconds(terms.lease()))).replaceWithVoid();
    }

    @Override
    public Uni<Void> renewRunningLeases(BotId botId, List<Running> running) {
        if (running.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID[] ids = running.stream().map(r -> r.taskId().value()).toArray(UUID[]::new);
        Integer[] attempts = running.stream().map(Running::attempt).toArray(Integer[]::new);
        return pool.preparedQuery("update tasks t set lease_expires_at = now() + make_interval(secs => $4::float8) "
                + "from unnest($2::uuid[], $3::int[]) as r(id, attempt) where t.id = r.id and t.attempt = r.attempt "
                + "and t.bot_id = $1 and t.status = 'in_progress'")
                .execute(Tuple.of(botId.value(), ids, attempts, TaskRows.seconds(terms.lease()))).replaceWithVoid();
    }

    @Override
    public Uni<Boolean> renewLease(TaskId taskId, int attempt, BotId botId) {
        return pool.preparedQuery("update tasks set lease_expires_at = now() + make_interval(secs => $4::float8) "
                + "where id = $1 and attempt = $2 and bot_id = $3 and status = 'in_progress'")
                .execute(Tuple.of(taskId.value(), attempt, botId.value(), TaskRows.seconds(terms.lease())))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Void> shortenLeases(BotId botId, Duration grace) {
        return pool.preparedQuery("update tasks set lease_expires_at = least(lease_expires_at, now() + "
                + "make_interval(secs => $2::float8)) where bot_id = $1 and " + HELD)
                .execute(Tuple.of(botId.value(), TaskRows.seconds(grace))).replaceWithVoid();
    }

    @Override
    public Uni<List<Task>> renewHeldLeases(BotId botId) {
        return pool.preparedQuery("update tasks set lease_expires_at = now() + make_interval(secs => ("
                + "case status when 'assigned' then $2::float8 else $3::float8 end)) where bot_id = $1 and " + HELD
                + " returning " + TaskRows.COLUMNS)
                .execute(Tuple.of(botId.value(), TaskRows.seconds(terms.ackTimeout()),
                        TaskRows.seconds(terms.lease())))
                .map(PgTaskStore::toTasks);
    }

    @Override
    public Uni<List<Task>> expiredLeases(int limit) {
        return pool.preparedQuery("select " + TaskRows.COLUMNS + " from tasks where " + HELD
                + " and lease_expires_at < now() order by lease_expires_at limit $1")
                .execute(Tuple.of(limit)).map(PgTaskStore::toTasks);
    }

    @Override
    public Uni<List<Task>> expiredDeadlines(int limit) {
        return pool.preparedQuery("select " + TaskRows.COLUMNS + " from tasks where deadline_at < now() and status "
                + "in ('pending', 'in_progress') order by deadline_at limit $1")
                .execute(Tuple.of(limit)).map(PgTaskStore::toTasks);
    }

    @Override
    public Uni<Boolean> delete(TaskId id, long expectedVersion) {
        return pool.withTransaction(conn -> conn.preparedQuery("delete from tasks where id = $1 and version = $2")
                .execute(Tuple.of(id.value(), expectedVersion))
                .flatMap(rows -> rows.rowCount() == 0
                        ? Uni.createFrom().item(false)
                        : IdempotencyKeys.forget(conn, id.value()).replaceWith(true)));
    }

    static Uni<Void> insertEvents(SqlConnection conn, List<TaskTransitioned> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> params = new ArrayList<>(events.size());
        events.forEach(e -> params.add(TaskRows.eventParams(e)));
        return conn.preparedQuery(TaskRows.INSERT_EVENT).executeBatch(params).replaceWithVoid();
    }

    private static final String BOT_STATUS_UPDATE = "update bots set status = $2, updated_at = $3, "
            + "version = version + 1 where id = $1 and version = $4";

    private static final String WORKFLOW_UPDATE = "update workflows set status = $2, started_at = $3, "
            + "updated_at = $4, version = version + 1 where id = $1 and version = $5";

    private static Tuple botParams(Versioned<Bot> v) {
        Bot b = v.next();
        return Tuple.of(b.id().value(), b.status().wire(), Sql.ts(b.updatedAt()), v.expectedVersion());
    }

    private static Tuple workflowParams(Versioned<Workflow> v) {
        Workflow w = v.next();
        return Tuple.of(w.id().value(), w.status().wire(), Sql.ts(w.startedAt()), Sql.ts(w.updatedAt()),
                v.expectedVersion());
    }

    /** Runs one conditional update per item in a single batch; fails unless every one of them matched. */
    private static <T> Uni<Void> casBatch(SqlConnection conn, String sql, List<T> items, Function<T, Tuple> params,
            String what) {
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> batch = new ArrayList<>(items.size());
        items.forEach(item -> batch.add(params.apply(item)));
        return conn.preparedQuery(sql).executeBatch(batch).map(result -> {
            int matched = 0;
            for (RowSet<Row> rs = result; rs != null; rs = rs.next()) {
                matched += rs.rowCount();
            }
            if (matched != items.size()) {
                throw ConflictException.concurrentModification(what);
            }
            return null;
        });
    }

    static List<Task> toTasks(RowSet<Row> rows) {
        List<Task> out = new ArrayList<>(rows.size());
        rows.forEach(row -> out.add(TaskRows.toTask(row)));
        return out;
    }
}
