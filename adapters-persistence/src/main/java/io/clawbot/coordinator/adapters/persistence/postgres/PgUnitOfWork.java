package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges.Versioned;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One lifecycle step on PostgreSQL, in one transaction: every row written conditional on the version its new state
 * was computed from, batched per table; what follows for a workflow decided holding the workflow's row lock.
 */
@ApplicationScoped
public class PgUnitOfWork implements UnitOfWork {

    private final Pool pool;
    private final ChannelTerms terms;
    private final WorkMetrics metrics;

    public PgUnitOfWork(Pool pool, ChannelTerms terms) {
        this(pool, terms, WorkMetrics.NONE);
    }

    /** @param metrics told of everything each step wrote, once it is committed */
    @Inject
    public PgUnitOfWork(Pool pool, ChannelTerms terms, WorkMetrics metrics) {
        this.pool = pool;
        this.terms = terms;
        this.metrics = metrics;
    }

    @Override
    public Uni<TaskChanges> apply(TaskChanges changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().item(changes);
        }
        return pool.withTransaction(conn -> follow(conn, changes).call(all -> write(conn, all)))
                .invoke(written -> WorkMetrics.written(metrics, written))
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
            return PgTaskStore.findByWorkflow(conn, follow.workflowId()).map(steps -> {
                TaskChanges more = TaskChanges.builder()
                        .advance(follow.rule().follow(workflow, changes.inPlace(steps))).build();
                return changes.plus(more);
            });
        });
    }

    private Uni<Void> write(SqlConnection conn, TaskChanges changes) {
        return casBatch(conn, TaskRows.UPDATE, changes.tasks(),
                t -> TaskRows.updateParams(t.next(), t.expectedVersion(), terms), "Task")
                .flatMap(ignored -> casBatch(conn, BOT_STATUS_UPDATE, changes.bots(), PgUnitOfWork::botParams, "Bot"))
                .flatMap(ignored -> casBatch(conn, WORKFLOW_UPDATE, changes.workflows(), PgUnitOfWork::workflowParams,
                        "Workflow"))
                .flatMap(ignored -> PgTaskStore.insertEvents(conn, changes.events()));
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

}
