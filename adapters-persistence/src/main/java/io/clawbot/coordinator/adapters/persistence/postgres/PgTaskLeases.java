package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Leases and deadlines on PostgreSQL: each renewal or search is one statement, judged by the database's clock. */
@ApplicationScoped
public class PgTaskLeases implements TaskLeases {

    private static final String HELD = PgTaskStore.HELD;

    private final Pool pool;
    private final ChannelTerms terms;
    private final InstantSource clock;

    /** @param clock the service's clock, from which renewed leases run; expiry is judged by the database's */
    public PgTaskLeases(Pool pool, ChannelTerms terms, InstantSource clock) {
        this.pool = pool;
        this.terms = terms;
        this.clock = clock;
    }

    @Override
    public Uni<Void> renewRunningLeases(BotId botId) {
        return pool
                .preparedQuery(
                        "update tasks set lease_expires_at = $3::timestamptz + make_interval(secs => $2::float8) "
                                + "where bot_id = $1 and status = 'in_progress'")
                .execute(Tuple.of(botId.value(), TaskRows.seconds(terms.lease()), now())).replaceWithVoid();
    }

    @Override
    public Uni<Void> renewRunningLeases(BotId botId, List<Running> running) {
        if (running.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID[] ids = running.stream().map(r -> r.taskId().value()).toArray(UUID[]::new);
        Integer[] attempts = running.stream().map(Running::attempt).toArray(Integer[]::new);
        return pool.preparedQuery(
                "update tasks t set lease_expires_at = $5::timestamptz + make_interval(secs => $4::float8) "
                        + "from unnest($2::uuid[], $3::int[]) as r(id, attempt) where t.id = r.id and t.attempt = r.attempt "
                        + "and t.bot_id = $1 and t.status = 'in_progress'")
                .execute(Tuple.of(botId.value(), ids, attempts, TaskRows.seconds(terms.lease()), now()))
                .replaceWithVoid();
    }

    @Override
    public Uni<Boolean> renewLease(TaskId taskId, int attempt, BotId botId, Map<String, Object> progress) {
        return pool
                .preparedQuery(
                        "update tasks set lease_expires_at = $5::timestamptz + make_interval(secs => $4::float8), "
                                + "progress = coalesce($6::jsonb, progress), progress_attempt = case when $6::jsonb "
                                + "is null then progress_attempt else attempt end, progress_at = case when $6::jsonb "
                                + "is null then progress_at else $5::timestamptz end "
                                + "where id = $1 and attempt = $2 and bot_id = $3 and status = 'in_progress'")
                .execute(Tuple.from(new Object[]{ taskId.value(), attempt, botId.value(),
                        TaskRows.seconds(terms.lease()), now(), Jsonb.of(progress) }))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Void> shortenLeases(BotId botId, Duration grace) {
        return pool.preparedQuery("update tasks set lease_expires_at = least(lease_expires_at, $3::timestamptz + "
                + "make_interval(secs => $2::float8)) where bot_id = $1 and " + HELD)
                .execute(Tuple.of(botId.value(), TaskRows.seconds(grace), now())).replaceWithVoid();
    }

    @Override
    public Uni<List<Task>> renewHeldLeases(BotId botId) {
        return pool.preparedQuery("update tasks set lease_expires_at = case status when 'in_progress' then "
                + "$3::timestamptz + make_interval(secs => $2::float8) else lease_expires_at end where bot_id = $1 "
                + "and " + HELD + " returning " + TaskRows.COLUMNS)
                .execute(Tuple.of(botId.value(), TaskRows.seconds(terms.lease()), now()))
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

    private java.time.OffsetDateTime now() {
        return Sql.ts(clock.instant());
    }
}
