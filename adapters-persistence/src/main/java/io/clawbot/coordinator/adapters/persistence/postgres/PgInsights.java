package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.insight.Capacity;
import io.clawbot.coordinator.domain.insight.FleetStatus;
import io.clawbot.coordinator.domain.insight.port.Insights;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Summaries read with a few aggregate queries, each on a partial index of the rows it counts (pending tasks in
 * claim order, held tasks, dead letters, recent completions), so that their cost follows what they count, not the
 * whole history.
 */
@ApplicationScoped
public class PgInsights implements Insights {

    /** A pending task is ready since it became pending, or since its run-at when that is later. */
    private static final String READY = "(run_at is null or run_at <= $1)";

    private static final String PENDING = "select type, priority, count(*) filter (where " + READY + ") as ready, "
            + "count(*) filter (where not " + READY + ") as delayed, "
            + "min(greatest(updated_at, coalesce(run_at, updated_at))) filter (where " + READY + ") as oldest "
            + "from tasks where status = 'pending' group by type, priority order by priority desc, type nulls first";

    private static final String COUNTS = "select "
            + "(select count(*) from tasks where status = 'waiting') as waiting, "
            + "(select count(*) from tasks where status = 'assigned') as assigned, "
            + "(select count(*) from tasks where status = 'in_progress') as in_progress, "
            + "(select count(*) from tasks where status in ('failed', 'timed_out')) as dead, "
            + "(select count(*) from tasks where status = 'completed' and completed_at > $1::timestamptz "
            + "- interval '1 minute') as completed";

    private static final String BOTS = "select status, count(*) as n, coalesce(sum(slots), 0) as slots from bots "
            + "group by status";

    private static final String CAPACITY = "with capable as (select id, status, slots from bots where $1::text is "
            + "null or capabilities @> array[$1::text]) select count(*) as registered, "
            + "count(*) filter (where status <> 'offline') as available, "
            + "coalesce(sum(slots) filter (where status <> 'offline'), 0) as slots, "
            + "(select count(*) from tasks t where t.status in ('assigned', 'in_progress') and t.bot_id in "
            + "(select id from capable where status <> 'offline')) as held from capable";

    private static final String AHEAD = "select count(*) as n from tasks where status = 'pending' and " + READY
            + " and (priority > $2 or (priority = $2 and case when type is not distinct from $5::text "
            + "then (fair_tag, id) < ((select s.fair_tag from tasks s where s.id = $4::uuid), $4::uuid) "
            + "else (created_at, id) < ($3::timestamptz, $4::uuid) end)) "
            + "and ($5::text is null or type = $5 or type is null)";

    private final Pool pool;

    public PgInsights(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<FleetStatus> status(Instant now) {
        Tuple at = Tuple.of(Sql.ts(now));
        Uni<List<FleetStatus.PendingGroup>> pending = pool.preparedQuery(PENDING).execute(at).map(rows -> {
            List<FleetStatus.PendingGroup> groups = new ArrayList<>();
            for (Row row : rows) {
                groups.add(new FleetStatus.PendingGroup(row.getString("type"), row.getInteger("priority"),
                        row.getLong("ready"), row.getLong("delayed"),
                        Sql.instant(row.getOffsetDateTime("oldest"))));
            }
            return groups;
        });
        Uni<Row> counts = pool.preparedQuery(COUNTS).execute(at).map(rows -> rows.iterator().next());
        Uni<Map<String, long[]>> bots = pool.preparedQuery(BOTS).execute().map(rows -> {
            Map<String, long[]> byStatus = new HashMap<>();
            for (Row row : rows) {
                byStatus.put(row.getString("status"), new long[]{ row.getLong("n"), row.getLong("slots") });
            }
            return byStatus;
        });
        return Uni.combine().all().unis(pending, counts, bots).with((groups, c, b) -> {
            Map<String, Long> byStatus = new HashMap<>();
            long slots = 0;
            for (String status : List.of("online", "busy", "offline")) {
                long[] v = b.getOrDefault(status, new long[]{ 0, 0 });
                byStatus.put(status, v[0]);
                if (!status.equals("offline")) {
                    slots += v[1];
                }
            }
            long assigned = c.getLong("assigned");
            long running = c.getLong("in_progress");
            return new FleetStatus(groups, c.getLong("waiting"), assigned, running, c.getLong("dead"),
                    c.getLong("completed"), byStatus, new FleetStatus.Slots(slots, assigned + running), now);
        });
    }

    @Override
    public Uni<Capacity> capacity(String type) {
        return pool.preparedQuery(CAPACITY).execute(Tuple.of(type)).map(rows -> {
            Row row = rows.iterator().next();
            return new Capacity(row.getLong("registered"), row.getLong("available"), row.getLong("slots"),
                    row.getLong("held"));
        });
    }

    @Override
    public Uni<Long> ahead(Task task, Instant now) {
        return pool.preparedQuery(AHEAD)
                .execute(Tuple.from(new Object[]{ Sql.ts(now), task.priority(), Sql.ts(task.createdAt()),
                        task.id().value(), task.type() }))
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    /** Read through tasks_concurrency_held_idx. */
    @Override
    public Uni<List<TaskId>> holdingKey(String key, int limit) {
        return pool.preparedQuery("select id from tasks where concurrency_key = $1 and status in ('assigned', "
                + "'in_progress') order by assigned_at, id limit $2").execute(Tuple.of(key, limit)).map(rows -> {
                    List<TaskId> ids = new java.util.ArrayList<>();
                    rows.forEach(row -> ids.add(new TaskId(row.getUUID("id"))));
                    return ids;
                });
    }

    @Override
    public Uni<Instant> rateBucket(String key) {
        return pool.preparedQuery("select tat from rate_keys where key = $1").execute(Tuple.of(key))
                .map(rows -> rows.size() == 0 ? null : Sql.instant(rows.iterator().next().getOffsetDateTime("tat")));
    }
}
