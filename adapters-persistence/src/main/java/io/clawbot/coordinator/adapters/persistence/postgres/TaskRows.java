package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.bot.BotId;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskId;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.UUID;

/** The tasks and task_events tables: column lists, statements and row mapping. */
final class TaskRows {

    static final String COLUMNS = "id, type, status, priority, payload, result, error, timeout_seconds, workflow_id, "
            + "workflow_position, bot_id, attempt, created_at, updated_at, assigned_at, started_at, completed_at, version";

    static final String INSERT = "insert into tasks (" + COLUMNS + ") values "
            + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";

    /**
     * A compare-and-set on the version the new state was computed from. The lease follows the new status, by the
     * database clock: the acknowledgement lease ($12 seconds) for an assignment, the running lease ($13) for a
     * start, none otherwise.
     */
    static final String UPDATE = "update tasks set status = $2, bot_id = $3, attempt = $4, result = $5, error = $6, "
            + "updated_at = $7, assigned_at = $8, started_at = $9, completed_at = $10, version = version + 1, "
            + "lease_expires_at = case $2 when 'assigned' then now() + make_interval(secs => $12::float8) "
            + "when 'in_progress' then now() + make_interval(secs => $13::float8) else null end "
            + "where id = $1 and version = $11";

    static final String INSERT_EVENT = "insert into task_events "
            + "(task_id, from_status, to_status, attempt, actor, reason, occurred_at) values ($1, $2, $3, $4, $5, $6, $7)";

    private TaskRows() {
    }

    static Tuple insertParams(Task t) {
        return Tuple.from(new Object[]{ t.id().value(), t.type(), t.status().wire(), t.priority(),
                Jsonb.of(t.payload()), Jsonb.of(t.result()), t.error(), t.timeoutSeconds(),
                t.workflowId() == null ? null : t.workflowId().value(), t.workflowPosition(),
                t.botId() == null ? null : t.botId().value(), t.attempt(), Sql.ts(t.createdAt()),
                Sql.ts(t.updatedAt()), Sql.ts(t.assignedAt()), Sql.ts(t.startedAt()), Sql.ts(t.completedAt()),
                t.version() });
    }

    static Tuple updateParams(Task t, long expectedVersion, ChannelTerms terms) {
        return Tuple.from(new Object[]{ t.id().value(), t.status().wire(),
                t.botId() == null ? null : t.botId().value(), t.attempt(), Jsonb.of(t.result()), t.error(),
                Sql.ts(t.updatedAt()), Sql.ts(t.assignedAt()), Sql.ts(t.startedAt()), Sql.ts(t.completedAt()),
                expectedVersion, seconds(terms.ackTimeout()), seconds(terms.lease()) });
    }

    static double seconds(java.time.Duration d) {
        return d.toMillis() / 1000.0;
    }

    static Tuple eventParams(TaskTransitioned e) {
        return Tuple.from(new Object[]{ e.taskId().value(), e.from() == null ? null : e.from().wire(), e.to().wire(),
                e.attempt(), e.actor().value(), e.reason(), Sql.ts(e.occurredAt()) });
    }

    static Task toTask(Row row) {
        UUID workflowId = row.getUUID("workflow_id");
        UUID botId = row.getUUID("bot_id");
        return new Task(
                new TaskId(row.getUUID("id")),
                row.getString("type"),
                TaskStatus.fromWire(row.getString("status")),
                row.getInteger("priority"),
                Jsonb.toMap(row.getValue("payload")),
                Jsonb.toMap(row.getValue("result")),
                row.getString("error"),
                row.getInteger("timeout_seconds"),
                workflowId == null ? null : new WorkflowId(workflowId),
                row.getInteger("workflow_position"),
                botId == null ? null : new BotId(botId),
                row.getInteger("attempt"),
                Sql.instant(row.getOffsetDateTime("created_at")),
                Sql.instant(row.getOffsetDateTime("updated_at")),
                Sql.instant(row.getOffsetDateTime("assigned_at")),
                Sql.instant(row.getOffsetDateTime("started_at")),
                Sql.instant(row.getOffsetDateTime("completed_at")),
                row.getLong("version"));
    }
}
