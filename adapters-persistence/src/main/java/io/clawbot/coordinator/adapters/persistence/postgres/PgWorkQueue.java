package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.HeldReport;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.WorkQueue;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hot path on PostgreSQL: a claim is one statement, and reports are written in batches of one statement each
 * ({@link HeldReportBatcher}). The statements carry out the domain's {@code FastPath} rules; the store contract tests
 * hold them to it.
 */
@ApplicationScoped
public class PgWorkQueue implements WorkQueue {

    private static final String HELD = PgTaskStore.HELD;

    /**
     * The next tasks of one capability (or of none), in claim order, locked: by priority, then by fair share tag
     * (V14__fair_share.sql: within a type, the keys' tasks interleave by their weights; without fairness keys, in
     * creation order). Each capability, and the untyped tasks, are read through the pending index that starts with
     * the type (tasks_pending_claim_idx), from the head of their range, so a claim costs the same however many
     * tasks of other types wait; the candidates of several types are then merged by priority and age. A candidate locked but not taken stays pending and is free again when the statement
     * ends. A task whose concurrency key was at its limit when the statement began is passed over (its key's row
     * read by primary key; a task without a key costs nothing more).
     */
    private static final String PICK = "select id, greatest(updated_at, run_at) as ready_since, priority, created_at, "
            + "concurrency_key, max_concurrency, rate_limit_key, rate_per_second, rate_burst from tasks "
            + "where status = 'pending' and %s "
            + "and (run_at is null or run_at <= now()) and (concurrency_key is null or (select k.held from "
            + "concurrency_keys k where k.key = tasks.concurrency_key) < "
            + limitOf("tasks.concurrency_key", "max_concurrency") + ") "
            + "and (rate_limit_key is null or (select coalesce(r.tat, '-infinity') from rate_keys r "
            + "where r.key = tasks.rate_limit_key) <= now() + make_interval(secs => (rate_burst - 1) / rate_per_second)) "
            + "order by priority desc, fair_tag, id limit (select n from free) for update skip locked";

    /**
     * The limit of concurrency key {@code key}: none while its policy pauses it (V16__key_policies.sql), else the
     * limit its policy sets, else {@code stated}, the limit its tasks state. The policy is read by primary key; a key
     * without one costs a probe of the (small) table.
     */
    private static String limitOf(String key, String stated) {
        return "coalesce((select case when p.paused then 0 else p.max_concurrency end from key_policies p "
                + "where p.key = " + key + "), " + stated + ")";
    }

    /**
     * What a claim's text starts with, so that a pause can wait for the claims under way ({@link PgPolicyStore}).
     */
    static final String CLAIM_MARK = "/* claim */";

    /**
     * One statement claims for one bot: its free slots are its slots minus what it holds; the picked rows are
     * locked with SKIP LOCKED so concurrent claimers (other bots, other replicas) take other rows (see PICK); the same
     * statement writes the history, moves a pending workflow to in progress and makes a full bot busy. Every time it
     * writes is the service's ($5), never before a task's last change; due is judged by the database's clock. The
     * capabilities whose types are paused are left out (type_policies).
     * <p>
     * Concurrency keys: the rows of the candidates' keys are locked (SKIP LOCKED: a key another claim or report
     * is counting is passed over this time) and read as their latest committed version, so the count of held tasks
     * is exact across replicas; of each key no more candidates are taken than its limit leaves room for, and the
     * triggers on tasks count the ones taken (V13__concurrency_keys.sql). The limit is the key's policy's where
     * it sets one (see {@link #limitOf}).
     * <p>
     * Rate limit keys alike: the rows of the candidates' keys are locked (SKIP LOCKED) and read as their latest
     * version; of each key no more candidates are taken than its bucket holds at the database's {@code now()}, and
     * the same statement moves the bucket on by one interval per task taken ({@link RateLimit}, V17__rate_limits.sql).
     * Each task taken of a key answers when the key's bucket lets its next task go, for a wake-up then.
     * <p>
     * The capabilities and the bot's id in the count are read through sub-selects so that the planner estimates
     * them the same way for every call: given the values themselves it counts the array's elements and looks up
     * the bot in the statistics, its plan for one call can then look cheaper than the generic plan, and
     * PostgreSQL would plan the statement again on every call (about 1 ms each) instead of reusing the generic plan
     * of the prepared statement ({@link StatementCachingPools}).
     */
    /**
     * The interval and the burst of rate limit key {@code r.key}, as its candidates state them: the longest interval
     * and the smallest burst, should they differ.
     */
    private static final String SECS = "(select max(1.0 / c.rate_per_second) from candidates c "
            + "where c.rate_limit_key = r.key)";
    private static final String BURST = "(select min(c.rate_burst) from candidates c where c.rate_limit_key = r.key)";

    /** The limit the candidates of key {@code k.key} state: the least, should they differ. */
    private static final String STATED = "(select min(c.max_concurrency) from candidates c where c.concurrency_key = k.key)";

    private static final String CLAIM = CLAIM_MARK
            + " with held as (select count(*) as n from tasks where bot_id = (select $1::uuid) and "
            + HELD
            + "), free as (select greatest(0, $3 - (select n from held)) as n), "
            + "typed as (select c.* from (select distinct type from unnest((select $2::text[])) as u(type) "
            + "where not exists (select 1 from type_policies p where p.type = u.type and p.paused)) as cap "
            + "cross join lateral ("
            + PICK.formatted("type = cap.type") + ") c), untyped as (" + PICK.formatted("type is null") + "), "
            + "candidates as (select * from typed union all select * from untyped), "
            + "keyed as materialized (select k.key, k.held, " + limitOf("k.key", STATED) + " as lim "
            + "from concurrency_keys k where k.key in (select concurrency_key from candidates) and k.held < "
            + limitOf("k.key", STATED) + " for update of k skip locked), "
            + "rated as materialized (select r.key, greatest(r.tat, now()) as base, " + SECS + " as secs, " + BURST
            + " as burst, floor(" + BURST + " - extract(epoch from greatest(r.tat, now()) - now()) / " + SECS
            + ")::int as room from rate_keys r where r.key in (select rate_limit_key from candidates) and "
            + "greatest(r.tat, now()) <= now() + make_interval(secs => (" + BURST + " - 1) * " + SECS + ") "
            + "for update of r skip locked), "
            + "picked as (select r.id, r.ready_since from (select c.*, row_number() over (partition by "
            + "c.concurrency_key order by c.priority desc, c.created_at, c.id) as in_key, row_number() over "
            + "(partition by c.rate_limit_key order by c.priority desc, c.created_at, c.id) as in_rate "
            + "from candidates c) r left join keyed k on k.key = r.concurrency_key "
            + "left join rated q on q.key = r.rate_limit_key "
            + "where (r.concurrency_key is null or r.in_key <= k.lim - k.held) "
            + "and (r.rate_limit_key is null or r.in_rate <= q.room) "
            + "order by r.priority desc, r.created_at, r.id limit (select n from free)), "
            + "claimed as (update tasks t set status = 'assigned', bot_id = $1, attempt = t.attempt + 1, "
            + "assigned_at = greatest($5::timestamptz, t.updated_at), started_at = null, updated_at = greatest($5::timestamptz, t.updated_at), "
            + "version = t.version + 1, deadline_at = null, "
            + "lease_expires_at = greatest($5::timestamptz, t.updated_at) + make_interval(secs => $4::float8) from picked "
            + "where t.id = picked.id returning t.*, picked.ready_since), "
            + "history as (insert into task_events (task_id, from_status, to_status, attempt, actor, reason, "
            + "occurred_at, cause) select id, 'pending', 'assigned', attempt, 'system', 'dispatched to bot ' || "
            + "$1::text, updated_at, 'assigned' from claimed), "
            + "flows as (update workflows w set status = 'in_progress', updated_at = $5, version = w.version + 1 "
            + "where w.status = 'pending' and w.id in (select workflow_id from claimed where workflow_id is not null)), "
            + "full_bot as (update bots b set status = 'busy', updated_at = $5, version = b.version + 1 "
            + "where b.id = $1 and b.status = 'online' and "
            + "(select n from held) + (select count(*) from claimed) >= b.slots), "
            + "spent as (update rate_keys b set tat = q.base + make_interval(secs => q.secs * n.taken) from rated q "
            + "join (select rate_limit_key, count(*) as taken from claimed where rate_limit_key is not null "
            + "group by rate_limit_key) n on n.rate_limit_key = q.key where b.key = q.key "
            + "returning b.key, b.tat - make_interval(secs => q.secs * (q.burst - 1)) as next_at) "
            + "select " + TaskRows.COLUMNS + ", ready_since, (select s.next_at from spent s "
            + "where s.key = claimed.rate_limit_key) as rate_next_at from claimed order by priority desc, created_at, id";

    private final Pool pool;
    private final ChannelTerms terms;
    private final InstantSource clock;
    private final HeldReportBatcher reports;
    private final WorkMetrics metrics;

    public PgWorkQueue(Pool pool, ChannelTerms terms, InstantSource clock) {
        this(pool, terms, clock, WorkMetrics.NONE);
    }

    /**
     * @param clock the service's clock, which every time the statements write follows
     * @param metrics told of each claim and report once it is committed
     */
    @Inject
    public PgWorkQueue(Pool pool, ChannelTerms terms, InstantSource clock, WorkMetrics metrics) {
        this.pool = pool;
        this.terms = terms;
        this.clock = clock;
        this.metrics = metrics;
        this.reports = new HeldReportBatcher(pool, () -> TaskRows.seconds(terms.lease()), clock, metrics);
    }

    @Override
    public Uni<List<Task>> claim(BotId botId, List<String> capabilities, int slots) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(botId.value(), capabilities.toArray(String[]::new), slots,
                        TaskRows.seconds(terms.ackTimeout()), Sql.ts(clock.instant())))
                .map(rows -> {
                    List<Task> claimed = new ArrayList<>(rows.size());
                    Map<String, java.time.Instant> nextOfKey = null;
                    for (Row row : rows) {
                        Task task = TaskRows.toTask(row);
                        claimed.add(task);
                        metrics.dispatched(task, row.getOffsetDateTime("ready_since").toInstant());
                        java.time.OffsetDateTime next = row.getOffsetDateTime("rate_next_at");
                        if (next != null) {
                            nextOfKey = nextOfKey == null ? new java.util.HashMap<>() : nextOfKey;
                            nextOfKey.put(task.rate().key(), next.toInstant());
                        }
                    }
                    if (nextOfKey != null) {
                        nextOfKey.forEach(metrics::rateLimited);
                    }
                    return claimed;
                });
    }

    /** Batched with the reports that arrive while the previous batch is written (see {@link HeldReportBatcher}). */
    @Override
    public Uni<Task> reportHeld(TaskId taskId, BotId botId, Integer attempt, HeldReport report,
            Map<String, Object> result, String error, String errorCode, Actor actor) {
        return reports.report(taskId, botId, attempt, report, result, error, errorCode, actor);
    }

}
