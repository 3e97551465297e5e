package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.workflow.DefinitionSummary;
import io.clawbot.coordinator.domain.workflow.DefinitionVersion;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowDocument;
import io.clawbot.coordinator.domain.workflow.port.WorkflowDefinitionStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Workflow definitions on PostgreSQL through the reactive PG client, one row per version, each holding the
 * definition's document form. A new version takes its number in the statement that inserts it; of two writers
 * taking the same number the primary key lets one through and the other is told to retry.
 */
@ApplicationScoped
public class PgWorkflowDefinitionStore implements WorkflowDefinitionStore {

    private static final String KEY_CONSTRAINT = "workflow_definitions_pkey";
    private static final String COLUMNS = "name, version, definition, created_at";

    private final Pool pool;

    public PgWorkflowDefinitionStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<DefinitionVersion> create(String name, WorkflowDefinition definition, Instant now) {
        return pool.preparedQuery("insert into workflow_definitions (" + COLUMNS + ") values ($1, 1, $2, $3) "
                + "returning " + COLUMNS)
                .execute(Tuple.of(name, Jsonb.of(WorkflowDocument.of(definition)), Sql.ts(now)))
                .map(PgWorkflowDefinitionStore::single)
                .onFailure(f -> PgErrors.isUniqueViolation(f, KEY_CONSTRAINT))
                .transform(f -> new ConflictException("workflow-definition-exists", "A workflow definition named '"
                        + name + "' already exists; add a version with POST /api/v1/workflow-definitions/" + name
                        + "/versions"));
    }

    @Override
    public Uni<DefinitionVersion> addVersion(String name, WorkflowDefinition definition, Instant now) {
        // No row when the name is unknown: max() over no rows is null, which the having clause filters out.
        return pool.preparedQuery("insert into workflow_definitions (" + COLUMNS + ") "
                + "select $1::text, max(version) + 1, $2::jsonb, $3::timestamptz from workflow_definitions "
                + "where name = $1::text having max(version) is not null returning " + COLUMNS)
                .execute(Tuple.of(name, Jsonb.of(WorkflowDocument.of(definition)), Sql.ts(now)))
                .map(PgWorkflowDefinitionStore::single)
                .onFailure(f -> PgErrors.isUniqueViolation(f, KEY_CONSTRAINT))
                .transform(f -> ConflictException.concurrentModification("Workflow definition '" + name + "'"));
    }

    @Override
    public Uni<DefinitionVersion> find(String name, Integer version) {
        if (version == null) {
            return pool.preparedQuery("select " + COLUMNS + " from workflow_definitions where name = $1 "
                    + "order by version desc limit 1")
                    .execute(Tuple.of(name))
                    .map(PgWorkflowDefinitionStore::single);
        }
        return pool.preparedQuery("select " + COLUMNS + " from workflow_definitions where name = $1 and version = $2")
                .execute(Tuple.of(name, version))
                .map(PgWorkflowDefinitionStore::single);
    }

    @Override
    public Uni<List<DefinitionSummary>> list(PageRequest page) {
        return pool.preparedQuery("select distinct on (d.name) d.name, d.version, "
                + "d.definition ->> 'name' as workflow_name, d.definition ->> 'description' as description, "
                + "d.created_at as updated_at, (select f.created_at from workflow_definitions f "
                + "where f.name = d.name order by f.version limit 1) as created_at "
                + "from workflow_definitions d order by d.name, d.version desc limit $1 offset $2")
                .execute(Tuple.of(page.limit(), page.offset()))
                .map(rows -> {
                    List<DefinitionSummary> out = new ArrayList<>(rows.size());
                    rows.forEach(row -> out.add(new DefinitionSummary(row.getString("name"),
                            row.getInteger("version"), row.getString("workflow_name"), row.getString("description"),
                            Sql.instant(row.getOffsetDateTime("created_at")),
                            Sql.instant(row.getOffsetDateTime("updated_at")))));
                    return out;
                });
    }

    @Override
    public Uni<List<DefinitionVersion.Header>> versions(String name) {
        return pool.preparedQuery("select version, created_at from workflow_definitions where name = $1 "
                + "order by version")
                .execute(Tuple.of(name))
                .map(rows -> {
                    List<DefinitionVersion.Header> out = new ArrayList<>(rows.size());
                    rows.forEach(row -> out.add(new DefinitionVersion.Header(row.getInteger("version"),
                            Sql.instant(row.getOffsetDateTime("created_at")))));
                    return out;
                });
    }

    private static DefinitionVersion single(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        // A stored definition was valid when stored; it is read back through the same parser.
        return new DefinitionVersion(row.getString("name"), row.getInteger("version"),
                WorkflowDocument.parse(Jsonb.toMap(row.getValue("definition"))),
                Sql.instant(row.getOffsetDateTime("created_at")));
    }
}
