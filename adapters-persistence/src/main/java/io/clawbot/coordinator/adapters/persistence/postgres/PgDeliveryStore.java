package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.trigger.Delivery;
import io.clawbot.coordinator.domain.trigger.DeliveryOutcome;
import io.clawbot.coordinator.domain.trigger.port.DeliveryStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Deliveries in one table, which is also the inbox of verified events and the outbox of replies. */
@ApplicationScoped
public class PgDeliveryStore implements DeliveryStore {

    private static final String COLUMNS = "d.id, d.trigger_name, d.received_at, d.outcome, d.reason, d.event_id, "
            + "d.event_type, d.event, d.work_kind, d.work_id, d.reply_url, d.reply_channel, d.reply_thread_ts, "
            + "d.reply_state, d.reply_attempts, d.reply_error";
    private static final String INSERT = "insert into trigger_deliveries (id, trigger_name, received_at, outcome, "
            + "reason, event_id, event_type, event, reply_url, reply_channel, reply_thread_ts, reply_state) values "
            + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

    private final Pool pool;

    public PgDeliveryStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Void> record(Delivery d) {
        return pool.preparedQuery(INSERT).execute(params(d)).replaceWithVoid();
    }

    @Override
    public Uni<UUID> receive(Delivery d) {
        if (d.eventId() == null) {
            return record(d).replaceWith((UUID) null);
        }
        // The partial unique index makes the second of two racing inserts of one event do nothing.
        return pool.preparedQuery(INSERT + " on conflict (trigger_name, event_id) where event_id is not null and "
                + "outcome in ('received', 'accepted') do nothing").execute(params(d)).flatMap(rows -> {
                    if (rows.rowCount() == 1) {
                        return Uni.createFrom().nullItem();
                    }
                    // The event's holder was refused in between (which frees its id): take the event again.
                    return holder(d.trigger(), d.eventId())
                            .flatMap(found -> found == null ? receive(d) : Uni.createFrom().item(found));
                });
    }

    @Override
    public Uni<UUID> holder(String trigger, String eventId) {
        return pool.preparedQuery("select id from trigger_deliveries where trigger_name = $1 and event_id = $2 and "
                + "outcome in ('received', 'accepted') order by id limit 1").execute(Tuple.of(trigger, eventId))
                .map(found -> found.size() == 0 ? null : found.iterator().next().getUUID("id"));
    }

    @Override
    public Uni<Void> accepted(UUID delivery, String workKind, UUID workId) {
        return pool.preparedQuery("update trigger_deliveries set outcome = 'accepted', work_kind = $2, work_id = $3 "
                + "where id = $1 and outcome = 'received'").execute(Tuple.of(delivery, workKind, workId))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> refused(UUID delivery, String reason) {
        return pool.preparedQuery("update trigger_deliveries set outcome = 'rejected', reason = $2, reply_state = "
                + "case when reply_state = 'waiting' then 'none' else reply_state end where id = $1 and outcome = "
                + "'received'").execute(Tuple.of(delivery, reason)).replaceWithVoid();
    }

    @Override
    public Uni<List<Delivery>> unfinished(Instant before, int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from trigger_deliveries d where d.outcome = 'received' "
                + "and d.received_at < $1 order by d.received_at limit $2")
                .execute(Tuple.of(Sql.ts(before), limit)).map(PgDeliveryStore::deliveries);
    }

    @Override
    public Uni<List<Delivery>> list(String trigger, DeliveryOutcome outcome, PageRequest page) {
        return pool.preparedQuery("select " + COLUMNS + " from trigger_deliveries d where d.trigger_name = $1 and "
                + "($2::text is null or d.outcome = $2) order by d.id desc limit $3 offset $4")
                .execute(Tuple.of(trigger, outcome == null ? null : outcome.wire(), page.limit(), page.offset()))
                .map(PgDeliveryStore::deliveries);
    }

    @Override
    public Uni<List<DueReply>> claimDueReplies(Instant claimUntil, int limit) {
        // A reply is due once its task or workflow has ended; claiming moves its next time past the post.
        String sql = """
                with due as (
                    select d.id from trigger_deliveries d
                    left join tasks t on d.work_kind = 'task' and t.id = d.work_id
                    left join workflows w on d.work_kind = 'workflow' and w.id = d.work_id
                    where d.reply_state = 'waiting' and d.outcome = 'accepted'
                      and (d.reply_next_at is null or d.reply_next_at <= now())
                      and (t.status in ('completed', 'failed', 'timed_out', 'cancelled', 'skipped')
                           or w.status in ('completed', 'failed', 'cancelled'))
                    order by d.reply_next_at nulls first, d.id
                    limit $2
                    for update of d skip locked
                )
                update trigger_deliveries d set reply_next_at = $1 from due where d.id = due.id
                returning %s,
                    coalesce((select status from tasks where d.work_kind = 'task' and id = d.work_id),
                             (select status from workflows where d.work_kind = 'workflow' and id = d.work_id))
                        as work_status,
                    case when d.work_kind = 'task' then
                        (select jsonb_strip_nulls(jsonb_build_object('result', result, 'error', error))
                           from tasks where id = d.work_id)
                    else
                        (select jsonb_build_object('steps', coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                'type', type, 'status', status, 'result', result, 'error', error))
                                order by workflow_position), '[]'::jsonb))
                           from tasks where workflow_id = d.work_id)
                    end as work_outcome
                """.formatted(COLUMNS);
        return pool.preparedQuery(sql).execute(Tuple.of(Sql.ts(claimUntil), limit)).map(rows -> {
            List<DueReply> out = new ArrayList<>();
            rows.forEach(row -> out.add(new DueReply(delivery(row), row.getString("trigger_name"),
                    row.getString("work_status"), Jsonb.toMap(row.getValue("work_outcome")))));
            return out;
        });
    }

    @Override
    public Uni<Void> replied(UUID delivery) {
        return pool.preparedQuery("update trigger_deliveries set reply_state = 'sent', reply_attempts = "
                + "reply_attempts + 1, reply_next_at = null, reply_error = null where id = $1")
                .execute(Tuple.of(delivery)).replaceWithVoid();
    }

    @Override
    public Uni<Void> replyFailed(UUID delivery, String error, Instant retryAt) {
        return pool.preparedQuery("update trigger_deliveries set reply_attempts = reply_attempts + 1, reply_error = "
                + "left($2, 1000), reply_next_at = $3, reply_state = case when $3::timestamptz is null then 'failed' "
                + "else 'waiting' end where id = $1").execute(Tuple.of(delivery, error, Sql.ts(retryAt)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Integer> purge(Instant before, int limit) {
        return pool.preparedQuery("delete from trigger_deliveries where id in (select id from trigger_deliveries "
                + "where received_at < $1 and reply_state <> 'waiting' and outcome <> 'received' limit $2)")
                .execute(Tuple.of(Sql.ts(before), limit)).map(RowSet::rowCount);
    }

    private static Tuple params(Delivery d) {
        Delivery.Reply reply = d.reply();
        return Tuple.from(new Object[]{ d.id(), d.trigger(), Sql.ts(d.receivedAt()), d.outcome().wire(), d.reason(),
                d.eventId(), d.eventType(), Jsonb.of(d.event()), reply == null ? null : reply.url(),
                reply == null ? null : reply.channel(), reply == null ? null : reply.threadTs(), d.replyState() });
    }

    private static List<Delivery> deliveries(RowSet<Row> rows) {
        List<Delivery> out = new ArrayList<>();
        rows.forEach(row -> out.add(delivery(row)));
        return out;
    }

    private static Delivery delivery(Row row) {
        String url = row.getString("reply_url");
        String channel = row.getString("reply_channel");
        Delivery.Reply reply = url == null && channel == null
                ? null
                : new Delivery.Reply(url, channel, row.getString("reply_thread_ts"));
        return new Delivery(row.getUUID("id"), row.getString("trigger_name"),
                Sql.instant(row.getOffsetDateTime("received_at")),
                DeliveryOutcome.fromWire("outcome", row.getString("outcome")), row.getString("reason"),
                row.getString("event_id"), row.getString("event_type"), Jsonb.toMap(row.getValue("event")),
                row.getString("work_kind"), row.getUUID("work_id"), reply, row.getString("reply_state"),
                row.getInteger("reply_attempts"), row.getString("reply_error"));
    }
}
