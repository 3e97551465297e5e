package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.adapters.persistence.WriteQueue;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.FastPath;
import io.clawbot.coordinator.domain.task.HeldReport;
import io.clawbot.coordinator.domain.task.RetryNote;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.DoubleSupplier;

/**
 * Writes bots' reports about the tasks they hold in batches: while one batch is in the database, the reports that
 * arrive queue up and go together in the next statement. Nothing waits on a timer, so a lone report is written
 * at once; under load one statement (and one commit) carries many reports. Each report gets exactly the answer
 * the one-report statement would give: the task as written, or {@code null} when it did not match.
 */
final class HeldReportBatcher {

    /** The most reports in one statement. */
    static final int MAX_BATCH = 500;

    /** How many times a batch PostgreSQL failed to break a deadlock is written again. */
    private static final int DEADLOCK_RETRIES = 5;

    /**
     * Every input row that matches (the bot holds the task at the attempt, in a status the report may leave) is
     * locked, moved on and given a history entry; bots whose last slot-filling task ended are freed. A task
     * reported twice in one batch is written once; the other report then matches nothing.
     * <p>
     * The arrays are read through sub-selects so that the planner estimates the batch alike whatever its size, and
     * the prepared statement keeps its generic plan: given the arrays themselves it counts their elements, and a
     * connection whose first calls carried small batches would plan every later call anew (see PgWorkQueue's claim).
     */
    private static final String BATCH = "with input as (select * from unnest((select $1::uuid[]), (select $2::uuid[]), "
            + "(select $3::int[]), (select $4::text[]), (select $5::text[]), (select $6::text[]), (select $7::text[]), "
            + "(select $9::text[]), (select $10::text[])) "
            + "as i(task_id, bot_id, attempt, to_status, result, error, reason, error_code, actor)), "
            + "locked as (select t.id, t.status, t.bot_id, t.attempt, t.workflow_id, t.attempts_before, "
            + "t.retry_policy, t.updated_at from tasks t "
            + "where t.id in (select task_id from input) order by t.id for update), "
            + "cur as (select distinct on (l.id) l.id, l.status as from_status, i.to_status, i.result, i.error, "
            + "i.reason, i.bot_id, i.error_code, i.actor, greatest($12::timestamptz, l.updated_at) as at "
            + "from locked l join input i on l.id = i.task_id where "
            + "l.bot_id = i.bot_id and (i.attempt is null or l.attempt = i.attempt) and ((i.to_status = 'in_progress' "
            + "and l.status = 'assigned') or (i.to_status in ('completed', 'failed') and l.workflow_id is null and "
            + "l.status in ('assigned', 'in_progress') and (i.to_status = 'completed' or l.attempt - "
            + "l.attempts_before >= (l.retry_policy ->> 'max_attempts')::int))) order by l.id), "
            + "done as (update tasks t set status = cur.to_status, "
            + "result = case when cur.to_status = 'completed' then cur.result::jsonb else t.result end, "
            + "error = case when cur.to_status = 'failed' then cur.error when cur.to_status = 'completed' then null "
            + "else t.error end, error_code = case when cur.to_status = 'failed' then cur.error_code "
            + "when cur.to_status = 'completed' then null else t.error_code end, "
            + "deadline_at = case when cur.to_status = 'in_progress' then cur.at + make_interval(secs => "
            + "t.timeout_seconds::float8) else null end, "
            + "started_at = coalesce(t.started_at, cur.at), "
            + "completed_at = case when cur.to_status in ('completed', 'failed') then cur.at else t.completed_at end, "
            + "lease_expires_at = case when cur.to_status = 'in_progress' then cur.at + make_interval(secs => "
            + "$8::float8) else null end, updated_at = cur.at, version = t.version + 1 from cur where t.id = cur.id "
            + "returning t.*, cur.from_status, cur.reason, cur.actor), "
            + "history as (insert into task_events (task_id, from_status, to_status, attempt, actor, reason, "
            + "occurred_at, cause) select id, from_status, status, attempt, actor, case status when 'failed' then reason "
            + "|| format($11, retry_policy ->> 'max_attempts') else reason end, updated_at, "
            + "case status when 'in_progress' then 'started' else status end from done), "
            + "ended as (select bot_id, count(*) as n from done where status <> 'in_progress' group by bot_id), "
            + "freed as (update bots b set status = 'online', updated_at = $12, version = b.version + 1 "
            + "from ended where b.id = ended.bot_id and b.status = 'busy' and (select count(*) from tasks h "
            + "where h.bot_id = b.id and h.status in ('assigned', 'in_progress')) - ended.n < b.slots) "
            + "select " + TaskRows.COLUMNS + ", from_status, reason, actor from done";

    private record Pending(TaskId taskId, BotId botId, Integer attempt, String toStatus, String result,
            String error, String errorCode, String reason, String actor, UniEmitter<? super Task> answer) {
    }

    private final Pool pool;
    private final DoubleSupplier leaseSeconds;
    private final InstantSource clock;
    private final WorkMetrics metrics;
    private final WriteQueue<Pending> queue = new WriteQueue<>(MAX_BATCH,
            batch -> write(batch).onItemOrFailure().invoke((rows, failure) -> answer(batch, rows, failure))
                    .replaceWithVoid());

    /**
     * @param clock the service's clock: a batch's writes are timed by one reading of it
     * @param metrics told of each report written, once its batch is committed
     */
    HeldReportBatcher(Pool pool, DoubleSupplier leaseSeconds, InstantSource clock, WorkMetrics metrics) {
        this.pool = pool;
        this.leaseSeconds = leaseSeconds;
        this.clock = clock;
        this.metrics = metrics;
    }

    Uni<Task> report(TaskId taskId, BotId botId, Integer attempt, HeldReport report, Map<String, Object> result,
            String error, String errorCode, Actor actor) {
        String to = switch (report) {
            case START -> "in_progress";
            case COMPLETE -> "completed";
            case FAIL -> "failed";
        };
        // A failure settled here used up the task's attempts; the statement adds how many there were.
        String reason = switch (report) {
            case START, COMPLETE -> FastPath.reason(report, error, null);
            case FAIL -> "failed: " + error;
        };
        String json = report == HeldReport.COMPLETE
                ? new JsonObject(result == null ? Map.of() : result).encode()
                : null;
        return Uni.createFrom().emitter(answer -> {
            boolean fail = report == HeldReport.FAIL;
            queue.add(new Pending(taskId, botId, attempt, to, json, fail ? error : null, fail ? errorCode : null,
                    reason, actor.value(), answer));
        });
    }

    private static void answer(List<Pending> batch, List<Task> written, Throwable failure) {
        if (failure != null) {
            batch.forEach(p -> p.answer().fail(failure));
        } else {
            Map<TaskId, Task> byId = new HashMap<>();
            written.forEach(t -> byId.put(t.id(), t));
            for (Pending p : batch) {
                // A task reported twice in the batch was written once: the first report gets it, the rest null.
                p.answer().complete(byId.remove(p.taskId()));
            }
        }
    }

    private Uni<List<Task>> write(List<Pending> batch) {
        int n = batch.size();
        UUID[] tasks = new UUID[n];
        UUID[] bots = new UUID[n];
        Integer[] attempts = new Integer[n];
        String[] to = new String[n];
        String[] results = new String[n];
        String[] errors = new String[n];
        String[] reasons = new String[n];
        String[] codes = new String[n];
        String[] actors = new String[n];
        for (int i = 0; i < n; i++) {
            Pending p = batch.get(i);
            tasks[i] = p.taskId().value();
            bots[i] = p.botId().value();
            attempts[i] = p.attempt();
            to[i] = p.toStatus();
            results[i] = p.result();
            errors[i] = p.error();
            reasons[i] = p.reason();
            codes[i] = p.errorCode();
            actors[i] = p.actor();
        }
        // Ending tasks of several concurrency keys counts them down in the keys' rows in the order the tasks are
        // written, which two batches can take in opposite orders: PostgreSQL then fails one of them, which wrote
        // nothing, and it is written again.
        return Uni.createFrom().deferred(() -> pool.preparedQuery(BATCH)
                .execute(Tuple.from(new Object[]{ tasks, bots, attempts, to, results, errors, reasons,
                        leaseSeconds.getAsDouble(), codes, actors, RetryNote.NO_ATTEMPTS_LEFT,
                        Sql.ts(clock.instant()) })))
                .onFailure(PgErrors::isDeadlock).retry().atMost(DEADLOCK_RETRIES)
                .map(rows -> {
                    List<Task> out = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        Task task = TaskRows.toTask(row);
                        out.add(task);
                        metrics.moved(null, task, new TaskTransitioned(task.id(),
                                TaskStatus.fromWire(row.getString("from_status")), task.status(), task.attempt(),
                                new Actor(row.getString("actor")), row.getString("reason"), task.updatedAt(),
                                task.status() == TaskStatus.IN_PROGRESS ? "started" : task.status().wire()));
                    }
                    return out;
                });
    }
}
