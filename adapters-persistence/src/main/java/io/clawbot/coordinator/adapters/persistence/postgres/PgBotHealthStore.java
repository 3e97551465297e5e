package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.health.BotHealth;
import io.clawbot.coordinator.domain.health.BotOutcome;
import io.clawbot.coordinator.domain.health.port.BotHealthStore;
import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The bots' health scores in {@code bot_health} (V18__bot_health.sql). A batch of outcomes is two statements: the
 * rows of new bot and type pairs are made (a bot retired meanwhile is left out), then every pair's row is locked in
 * key order, read in its latest version and moved on by the batch's folded step ({@link BotHealth.Rules#step}),
 * quarantining where a failure brought the score under the threshold. Two replicas' batches lock rows in the same
 * order; should they still meet in a deadlock, PostgreSQL fails one statement, which wrote nothing, and it is
 * written again.
 */
@ApplicationScoped
public class PgBotHealthStore implements BotHealthStore {

    private static final String COLUMNS = "bot_id, type, score, samples, quarantined_until, reason, quarantines, "
            + "updated_at";

    private static final String ENSURE = "insert into bot_health (bot_id, type, score, samples, updated_at) "
            + "select u.bot_id, u.type, 1, 0, now() from unnest($1::uuid[], $2::text[]) as u(bot_id, type) "
            + "join bots b on b.id = u.bot_id order by u.bot_id, u.type on conflict (bot_id, type) do nothing";

    private static final String FOLD = "with u as (select * from unnest($1::uuid[], $2::text[], $3::float8[], "
            + "$4::float8[], $5::int[], $6::bool[], $7::text[]) as u(bot_id, type, decay, gain, n, failed, cause)), "
            + "x as (select h.bot_id, h.type, least(1, greatest(0, h.score * u.decay + u.gain)) as score, "
            + "h.samples + u.n as samples, u.cause, (u.failed and h.score * u.decay + u.gain < $8::float8 "
            + "and h.samples + u.n >= $9::int and (h.quarantined_until is null or h.quarantined_until <= now())) as q "
            + "from bot_health h join u on h.bot_id = u.bot_id and h.type = u.type order by h.bot_id, h.type "
            + "for update of h) "
            + "update bot_health h set score = x.score, samples = case when x.q then 0 else x.samples end, "
            + "quarantined_until = case when x.q then now() + make_interval(secs => $10::float8) "
            + "else h.quarantined_until end, reason = case when x.q then 'its score ' || round(x.score::numeric, 2) "
            + "|| ' fell under ' || $8::float8 || ' after ' || x.samples || ' outcome(s), the last: ' || x.cause "
            + "else h.reason end, quarantines = h.quarantines + case when x.q then 1 else 0 end, updated_at = now() "
            + "from x where h.bot_id = x.bot_id and h.type = x.type returning h.*, x.q as newly";

    private final Pool pool;

    public PgBotHealthStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<List<BotHealth>> record(List<BotOutcome> outcomes, BotHealth.Rules rules) {
        Map<List<Object>, List<BotOutcome>> byPair = new LinkedHashMap<>();
        for (BotOutcome o : outcomes) {
            byPair.computeIfAbsent(List.of(o.botId().value(), o.type()), k -> new ArrayList<>()).add(o);
        }
        int n = byPair.size();
        UUID[] bots = new UUID[n];
        String[] types = new String[n];
        Double[] decays = new Double[n];
        Double[] gains = new Double[n];
        Integer[] counts = new Integer[n];
        Boolean[] failed = new Boolean[n];
        String[] causes = new String[n];
        int i = 0;
        for (var pair : byPair.entrySet()) {
            BotHealth.Step step = rules.step(pair.getValue());
            bots[i] = (UUID) pair.getKey().get(0);
            types[i] = (String) pair.getKey().get(1);
            decays[i] = step.decay();
            gains[i] = step.gain();
            counts[i] = step.count();
            failed[i] = step.failed();
            causes[i] = step.lastCause();
            i++;
        }
        Tuple fold = Tuple.from(new Object[]{ bots, types, decays, gains, counts, failed, causes, rules.threshold(),
                rules.minSamples(), rules.coolDown().toMillis() / 1000.0 });
        return pool.preparedQuery(ENSURE).execute(Tuple.of(bots, types))
                .flatMap(ignored -> Uni.createFrom().deferred(() -> pool.preparedQuery(FOLD).execute(fold))
                        .onFailure(PgErrors::isDeadlock).retry().atMost(5))
                .map(rows -> {
                    List<BotHealth> newly = new ArrayList<>();
                    for (Row row : rows) {
                        if (row.getBoolean("newly")) {
                            newly.add(toHealth(row));
                        }
                    }
                    return newly;
                });
    }

    @Override
    public Uni<List<BotHealth>> of(BotId botId) {
        return pool.preparedQuery("select " + COLUMNS + " from bot_health where bot_id = $1 order by type")
                .execute(Tuple.of(botId.value())).map(PgBotHealthStore::all);
    }

    @Override
    public Uni<List<BotHealth>> quarantined() {
        return pool.preparedQuery("select " + COLUMNS + " from bot_health where quarantined_until > now()")
                .execute().map(PgBotHealthStore::all);
    }

    @Override
    public Uni<BotHealth> release(BotId botId, String type) {
        return pool.preparedQuery("update bot_health set samples = case when quarantined_until > now() then 0 "
                + "else samples end, quarantined_until = null, updated_at = now() where bot_id = $1 and type = $2 "
                + "returning " + COLUMNS).execute(Tuple.of(botId.value(), type))
                .map(rows -> rows.size() == 0 ? null : toHealth(rows.iterator().next()));
    }

    private static List<BotHealth> all(RowSet<Row> rows) {
        List<BotHealth> out = new ArrayList<>();
        rows.forEach(row -> out.add(toHealth(row)));
        return out;
    }

    private static BotHealth toHealth(Row row) {
        return new BotHealth(new BotId(row.getUUID("bot_id")), row.getString("type"), row.getDouble("score"),
                row.getLong("samples"), Sql.instant(row.getOffsetDateTime("quarantined_until")),
                row.getString("reason"), row.getInteger("quarantines"),
                Sql.instant(row.getOffsetDateTime("updated_at")));
    }
}
