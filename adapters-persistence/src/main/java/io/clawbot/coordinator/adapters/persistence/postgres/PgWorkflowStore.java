package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.KeyId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowDocument;
import io.clawbot.coordinator.domain.workflow.WorkflowQuery;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Workflows on PostgreSQL. A workflow and all its steps are created in one transaction with one batched
 * insert; the step list is read from the tasks table, so it cannot drift from the steps themselves.
 */
@ApplicationScoped
public class PgWorkflowStore implements WorkflowStore {

    static final String IDEMPOTENCY_SCOPE = "workflows";

    private static final String SELECT = "select w.id, w.name, w.description, w.status, w.metadata, w.started_at, "
            + "w.created_at, w.updated_at, w.version, w.definition, w.input, w.owner_key_id, "
            + "array(select t.id from tasks t where t.workflow_id = w.id order by t.workflow_position) as task_ids "
            + "from workflows w";
    /** For lists: no definition (parsing a large one for every row made a page cost seconds) and no input. */
    private static final String SELECT_SUMMARY = SELECT.replace("w.definition, w.input,",
            "null::jsonb as definition, null::jsonb as input,");

    private final Pool pool;
    private final WorkMetrics metrics;

    public PgWorkflowStore(Pool pool) {
        this(pool, WorkMetrics.NONE);
    }

    /** @param metrics told of each workflow created, and its steps */
    @Inject
    public PgWorkflowStore(Pool pool, WorkMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
    }

    @Override
    public Uni<Created<Workflow>> create(Workflow workflow, List<Task> steps, List<TaskTransitioned> creations,
            IdempotencyKey key) {
        // The steps' fair share tags are reserved before the transaction (FairTags), so that no key's row is held
        // while it runs.
        return FairTags.reserve(pool, steps).flatMap(tags -> pool.withTransaction(conn -> IdempotencyKeys.claim(conn,
                IDEMPOTENCY_SCOPE, key, workflow.id().value())
                .flatMap(existing -> {
                    if (existing != null) {
                        return findById(conn, new WorkflowId(existing)).map(Created::replay);
                    }
                    return conn.preparedQuery("insert into workflows (id, name, description, status, metadata, "
                            + "started_at, created_at, updated_at, version, definition, input, owner_key_id) "
                            + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                            .execute(Tuple.from(new Object[]{ workflow.id().value(), workflow.name(),
                                    workflow.description(), workflow.status().wire(), Jsonb.of(workflow.metadata()),
                                    Sql.ts(workflow.startedAt()), Sql.ts(workflow.createdAt()),
                                    Sql.ts(workflow.updatedAt()), workflow.version(),
                                    workflow.definition() == null
                                            ? null
                                            : Jsonb.of(WorkflowDocument.of(workflow.definition())),
                                    Jsonb.of(workflow.input()),
                                    workflow.owner() == null ? null : workflow.owner().value() }))
                            .flatMap(ignored -> conn.preparedQuery(TaskRows.INSERT_MANY)
                                    .execute(TaskRows.insertManyParams(steps, tags)))
                            .flatMap(ignored -> PgTaskStore.insertEvents(conn, creations))
                            .replaceWith(Created.fresh(workflow));
                }))).invoke(created -> {
                    if (!created.replayed()) {
                        metrics.workflowStarted(workflow);
                        WorkMetrics.created(metrics, steps, creations);
                    }
                });
    }

    @Override
    public Uni<Workflow> findById(WorkflowId id) {
        return findById(pool, id);
    }

    /**
     * Locks the workflow's row until the end of the connection's transaction and reads it; {@code null} when there
     * is no such workflow.
     */
    static Uni<Workflow> lock(SqlConnection conn, WorkflowId id) {
        return conn.preparedQuery(SELECT + " where w.id = $1 for update of w").execute(Tuple.of(id.value()))
                .map(rows -> rows.size() == 0 ? null : toWorkflow(rows.iterator().next()));
    }

    private static Uni<Workflow> findById(SqlClient client, WorkflowId id) {
        return client.preparedQuery(SELECT + " where w.id = $1").execute(Tuple.of(id.value()))
                .map(rows -> rows.size() == 0 ? null : toWorkflow(rows.iterator().next()));
    }

    @Override
    public Uni<List<Workflow>> findByIds(List<WorkflowId> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery(SELECT + " where w.id = any($1::uuid[])")
                .execute(Tuple.of(ids.stream().map(WorkflowId::value).toArray(java.util.UUID[]::new)))
                .map(rows -> {
                    List<Workflow> out = new ArrayList<>(rows.size());
                    rows.forEach(row -> out.add(toWorkflow(row)));
                    return out;
                });
    }

    @Override
    public Uni<List<Workflow>> list(WorkflowQuery query, PageRequest page) {
        Sql.Where where = new Sql.Where().and("w.status = ?", query.status() == null ? null : query.status().wire())
                .and("w.owner_key_id = ?", query.owner() == null ? null : query.owner().value());
        String sql = SELECT_SUMMARY + where.clause() + " order by w.created_at desc, w.id desc limit "
                + where.param(page.limit()) + " offset " + where.param(page.offset());
        return pool.preparedQuery(sql).execute(where.tuple()).map(rows -> {
            List<Workflow> out = new ArrayList<>(rows.size());
            rows.forEach(row -> out.add(toWorkflow(row)));
            return out;
        });
    }

    @Override
    public Uni<List<WorkflowId>> stalled(WorkflowId after, int limit) {
        return pool.preparedQuery("select w.id from workflows w where w.started_at is not null "
                + "and w.status in ('pending', 'in_progress') and ($1::uuid is null or w.id > $1) "
                + "and not exists (select 1 from tasks t where t.workflow_id = w.id "
                + "and t.status in ('pending', 'assigned', 'in_progress')) order by w.id limit $2")
                .execute(Tuple.of(after == null ? null : after.value(), limit))
                .map(rows -> {
                    List<WorkflowId> out = new ArrayList<>(rows.size());
                    rows.forEach(row -> out.add(new WorkflowId(row.getUUID(0))));
                    return out;
                });
    }

    @Override
    public Uni<Boolean> delete(WorkflowId id) {
        return pool.withTransaction(conn -> conn.preparedQuery("delete from workflows where id = $1")
                .execute(Tuple.of(id.value()))
                .flatMap(rows -> rows.rowCount() == 0
                        ? Uni.createFrom().item(false)
                        : IdempotencyKeys.forget(conn, id.value()).replaceWith(true)));
    }

    private static Workflow toWorkflow(Row row) {
        UUID[] taskIds = row.getArrayOfUUIDs("task_ids");
        return new Workflow(
                new WorkflowId(row.getUUID("id")),
                row.getString("name"),
                row.getString("description"),
                WorkflowStatus.fromWire(row.getString("status")),
                Jsonb.toMap(row.getValue("metadata")),
                taskIds == null ? List.of() : Arrays.stream(taskIds).map(TaskId::new).toList(),
                Sql.instant(row.getOffsetDateTime("started_at")),
                Sql.instant(row.getOffsetDateTime("created_at")),
                Sql.instant(row.getOffsetDateTime("updated_at")),
                row.getLong("version"),
                definition(Jsonb.toMap(row.getValue("definition"))),
                Jsonb.toMap(row.getValue("input")),
                row.getUUID("owner_key_id") == null ? null : new KeyId(row.getUUID("owner_key_id")));
    }

    /** A stored definition was valid when stored; it is read back through the same parser. */
    private static WorkflowDefinition definition(Map<String, Object> document) {
        return document == null ? null : WorkflowDocument.parse(document);
    }
}
