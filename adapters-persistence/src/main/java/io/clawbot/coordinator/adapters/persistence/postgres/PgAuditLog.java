package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.access.AuditEntry;
import io.clawbot.coordinator.domain.access.port.AuditLog;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** The audit trail in its own append-only table. */
@ApplicationScoped
public class PgAuditLog implements AuditLog {

    private final Pool pool;

    public PgAuditLog(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Void> append(AuditEntry entry) {
        return pool.preparedQuery("insert into audit_events (occurred_at, actor, action, target, source) "
                + "values ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(Sql.ts(entry.at()), entry.actor(), entry.action(), entry.target(), entry.source()))
                .replaceWithVoid();
    }

    @Override
    public Uni<List<AuditEntry>> list(String actor, String action, PageRequest page) {
        Sql.Where where = new Sql.Where().and("actor = ?", actor).and("action = ?", action);
        String sql = "select id, occurred_at, actor, action, target, source from audit_events" + where.clause()
                + " order by id desc limit " + where.param(page.limit()) + " offset " + where.param(page.offset());
        return pool.preparedQuery(sql).execute(where.tuple()).map(rows -> {
            List<AuditEntry> out = new ArrayList<>(rows.size());
            rows.forEach(row -> out.add(new AuditEntry(row.getLong("id"),
                    Sql.instant(row.getOffsetDateTime("occurred_at")), row.getString("actor"),
                    row.getString("action"), row.getString("target"), row.getString("source"))));
            return out;
        });
    }
}
