package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.ScheduleId;
import io.clawbot.coordinator.domain.schedule.MisfirePolicy;
import io.clawbot.coordinator.domain.schedule.Schedule;
import io.clawbot.coordinator.domain.schedule.ScheduleTarget;
import io.clawbot.coordinator.domain.schedule.port.ScheduleStore;
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
 * Schedules on PostgreSQL through the reactive PG client. Whether a schedule is due is judged with the database's
 * clock, so every replica agrees; moving it on from an occurrence is one statement conditional on that
 * occurrence, so of replicas racing on it exactly one does.
 */
@ApplicationScoped
public class PgScheduleStore implements ScheduleStore {

    private static final String NAME_CONSTRAINT = "schedules_name_key";
    private static final String COLUMNS = "id, name, description, cron, time_zone, target, template, enabled, "
            + "misfire_policy, next_fire_at, last_fired_at, created_at, updated_at, version";

    private final Pool pool;

    public PgScheduleStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Schedule> create(Schedule schedule) {
        return pool.preparedQuery("insert into schedules (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8, "
                + "$9, $10, $11, $12, $13, $14) returning " + COLUMNS)
                .execute(Tuple.from(new Object[]{ schedule.id().value(), schedule.name(), schedule.description(),
                        schedule.cron(), schedule.timeZone(), schedule.target().wire(), Jsonb.of(schedule.template()),
                        schedule.enabled(), schedule.misfirePolicy().wire(), Sql.ts(schedule.nextFireAt()),
                        Sql.ts(schedule.lastFiredAt()), Sql.ts(schedule.createdAt()), Sql.ts(schedule.updatedAt()),
                        schedule.version() }))
                .map(PgScheduleStore::single)
                .onFailure(f -> PgErrors.isUniqueViolation(f, NAME_CONSTRAINT))
                .transform(f -> nameTaken(schedule));
    }

    @Override
    public Uni<Schedule> findById(ScheduleId id) {
        return pool.preparedQuery("select " + COLUMNS + " from schedules where id = $1")
                .execute(Tuple.of(id.value()))
                .map(PgScheduleStore::single);
    }

    @Override
    public Uni<List<Schedule>> list(PageRequest page) {
        return pool.preparedQuery("select " + COLUMNS + " from schedules order by created_at, id limit $1 offset $2")
                .execute(Tuple.of(page.limit(), page.offset()))
                .map(PgScheduleStore::all);
    }

    @Override
    public Uni<Schedule> update(Schedule schedule, long expectedVersion) {
        return pool.preparedQuery("update schedules set name = $3, description = $4, cron = $5, time_zone = $6, "
                + "target = $7, template = $8, enabled = $9, misfire_policy = $10, next_fire_at = $11, "
                + "last_fired_at = $12, updated_at = $13, version = version + 1 where id = $1 and version = $2 "
                + "returning " + COLUMNS)
                .execute(Tuple.from(new Object[]{ schedule.id().value(), expectedVersion, schedule.name(),
                        schedule.description(), schedule.cron(), schedule.timeZone(), schedule.target().wire(),
                        Jsonb.of(schedule.template()), schedule.enabled(), schedule.misfirePolicy().wire(),
                        Sql.ts(schedule.nextFireAt()), Sql.ts(schedule.lastFiredAt()), Sql.ts(schedule.updatedAt()) }))
                .onFailure(f -> PgErrors.isUniqueViolation(f, NAME_CONSTRAINT))
                .transform(f -> nameTaken(schedule))
                .map(rows -> {
                    Schedule written = single(rows);
                    if (written == null) {
                        throw ConflictException.concurrentModification("Schedule " + schedule.id());
                    }
                    return written;
                });
    }

    @Override
    public Uni<Boolean> delete(ScheduleId id) {
        return pool.preparedQuery("delete from schedules where id = $1").execute(Tuple.of(id.value()))
                .map(rows -> rows.rowCount() > 0);
    }

    @Override
    public Uni<List<Schedule>> due(int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from schedules where enabled and next_fire_at <= now() "
                + "order by next_fire_at, id limit $1")
                .execute(Tuple.of(limit))
                .map(PgScheduleStore::all);
    }

    @Override
    public Uni<Boolean> advance(ScheduleId id, Instant expectedNextFireAt, Instant newNextFireAt, Instant firedAt) {
        return pool.preparedQuery("update schedules set next_fire_at = $3, "
                + "last_fired_at = coalesce($4, last_fired_at), version = version + 1 "
                + "where id = $1 and next_fire_at = $2")
                .execute(Tuple.of(id.value(), Sql.ts(expectedNextFireAt), Sql.ts(newNextFireAt), Sql.ts(firedAt)))
                .map(rows -> rows.rowCount() == 1);
    }

    private static ConflictException nameTaken(Schedule schedule) {
        return new ConflictException("schedule-name-taken",
                "A schedule named '" + schedule.name() + "' already exists");
    }

    private static Schedule single(RowSet<Row> rows) {
        return rows.size() == 0 ? null : toSchedule(rows.iterator().next());
    }

    private static List<Schedule> all(RowSet<Row> rows) {
        List<Schedule> out = new ArrayList<>(rows.size());
        rows.forEach(row -> out.add(toSchedule(row)));
        return out;
    }

    private static Schedule toSchedule(Row row) {
        return new Schedule(
                new ScheduleId(row.getUUID("id")),
                row.getString("name"),
                row.getString("description"),
                row.getString("cron"),
                row.getString("time_zone"),
                ScheduleTarget.fromWire("target", row.getString("target")),
                Jsonb.toMap(row.getValue("template")),
                row.getBoolean("enabled"),
                MisfirePolicy.fromWire("misfire_policy", row.getString("misfire_policy")),
                Sql.instant(row.getOffsetDateTime("next_fire_at")),
                Sql.instant(row.getOffsetDateTime("last_fired_at")),
                Sql.instant(row.getOffsetDateTime("created_at")),
                Sql.instant(row.getOffsetDateTime("updated_at")),
                row.getLong("version"));
    }
}
