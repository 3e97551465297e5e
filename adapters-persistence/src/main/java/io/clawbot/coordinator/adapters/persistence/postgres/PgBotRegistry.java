package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotQuery;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.BotId;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bots on PostgreSQL: registration and token changes through Hibernate Reactive Panache; reads, listings and the
 * status writes of the bot channel's hot path (connections, slots) through the reactive PG client. Heartbeats are stamped, and staleness judged, with the database's clock so that every
 * replica agrees.
 */
@ApplicationScoped
public class PgBotRegistry implements BotRegistry {

    private static final String NAME_CONSTRAINT = "bots_name_key";
    private static final String COLUMNS = "id, name, capabilities, status, metadata, last_heartbeat_at, created_at, "
            + "updated_at, slots, version";

    private final BotEntityRepository repository;
    private final Pool pool;

    PgBotRegistry(BotEntityRepository repository, Pool pool) {
        this.repository = repository;
        this.pool = pool;
    }

    @Override
    public Uni<Bot> register(Bot bot, String tokenHash) {
        BotEntity entity = toEntity(bot);
        entity.tokenHash = tokenHash;
        return Panache.withTransaction(() -> repository.persist(entity))
                .map(PgBotRegistry::toBot)
                .onFailure(f -> PgErrors.isUniqueViolation(f, NAME_CONSTRAINT))
                .transform(f -> new ConflictException("bot-name-taken",
                        "A bot named '" + bot.name() + "' is already registered"));
    }

    /** Through the PG client: it runs during the WebSocket upgrade, before any Hibernate session exists. */
    @Override
    public Uni<Bot> findByTokenHash(String tokenHash) {
        return pool.preparedQuery("select " + COLUMNS + " from bots where token_hash = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(tokenHash))
                .map(rows -> rows.size() == 0 ? null : toBot(rows.iterator().next()));
    }

    @Override
    public Uni<Boolean> replaceTokenHash(BotId id, String tokenHash) {
        return Panache.withTransaction(() -> repository.update("tokenHash = ?1, version = version + 1 where id = ?2",
                tokenHash, id.value())).map(updated -> updated == 1);
    }

    /**
     * Plain SQL rather than a Panache session: lifecycle steps read bots concurrently (a sweep ending many
     * attempts at once), and concurrent operations must not share one reactive session.
     */
    @Override
    public Uni<Bot> findById(BotId id) {
        return pool.preparedQuery("select " + COLUMNS + " from bots where id = $1").execute(Tuple.of(id.value()))
                .map(rows -> rows.size() == 0 ? null : toBot(rows.iterator().next()));
    }

    @Override
    public Uni<List<Bot>> list(BotQuery query, Duration staleAfter, PageRequest page) {
        Sql.Where where = new Sql.Where()
                .and("capabilities @> array[?]::text[]", query.capability())
                .and("status = ?", query.status() == null ? null : query.status().wire());
        if (query.availableOnly()) {
            where.and("status = ?", BotStatus.ONLINE.wire())
                    .and("last_heartbeat_at > now() - make_interval(secs => ?)", (double) staleAfter.toMillis() / 1000);
        }
        String sql = "select " + COLUMNS + " from bots" + where.clause() + " order by created_at, id limit "
                + where.param(page.limit())
                + " offset " + where.param(page.offset());
        return pool.preparedQuery(sql).execute(where.tuple()).map(rows -> {
            List<Bot> out = new ArrayList<>(rows.size());
            rows.forEach(row -> out.add(toBot(row)));
            return out;
        });
    }

    @Override
    public Uni<Bot> recordHeartbeat(Bot bot, long expectedVersion) {
        return conditionalUpdate(bot, expectedVersion, "last_heartbeat_at = now(), ");
    }

    @Override
    public Uni<Bot> updateStatus(Bot bot, long expectedVersion) {
        return conditionalUpdate(bot, expectedVersion, "");
    }

    @Override
    public Uni<List<BotId>> markStale(Duration staleAfter) {
        return pool.preparedQuery("update bots set status = 'offline', updated_at = now(), version = version + 1 "
                + "where status in ('online', 'busy') and last_heartbeat_at < now() - make_interval(secs => $1::float8) "
                + "returning id")
                .execute(Tuple.of(staleAfter.toMillis() / 1000.0))
                .map(rows -> {
                    List<BotId> out = new ArrayList<>(rows.size());
                    rows.forEach(row -> out.add(new BotId(row.getUUID(0))));
                    return out;
                });
    }

    /**
     * Under the bot's row lock, which a dispatch claim for the bot waits on (its foreign key check takes a share
     * lock on the row): a task claimed just before is seen and refuses the delete, a claim just after finds no
     * bot. Without it a delete could pass its check, then clear the bot of a task claimed meanwhile and leave the
     * task assigned to nobody.
     */
    @Override
    public Uni<Boolean> delete(BotId id) {
        return pool.withTransaction(conn -> conn.preparedQuery("select 1 from bots where id = $1 for update")
                .execute(Tuple.of(id.value()))
                .flatMap(found -> found.size() == 0
                        ? Uni.createFrom().item(false)
                        : conn.preparedQuery("select count(*) from tasks where bot_id = $1 "
                                + "and status in ('assigned', 'in_progress')").execute(Tuple.of(id.value()))
                                .flatMap(held -> {
                                    long count = held.iterator().next().getLong(0);
                                    if (count > 0) {
                                        return Uni.createFrom().failure(new ConflictException("bot-has-tasks", "Bot "
                                                + id + " holds " + count + " assigned or running task(s); cancel "
                                                + "them first"));
                                    }
                                    return conn.preparedQuery("delete from bots where id = $1")
                                            .execute(Tuple.of(id.value())).map(rows -> rows.rowCount() == 1);
                                })));
    }

    /**
     * One autocommitted statement that writes and returns the row: a bot comes online or changes status on every
     * connection and slot change, so this is one round trip, where a Hibernate session's transaction took four.
     */
    private Uni<Bot> conditionalUpdate(Bot bot, long expectedVersion, String alsoSet) {
        return pool.preparedQuery("update bots set status = $1, slots = $4, " + alsoSet + "updated_at = now(), "
                + "version = version + 1 where id = $2 and version = $3 returning " + COLUMNS)
                .execute(Tuple.of(bot.status().wire(), bot.id().value(), expectedVersion, bot.slots()))
                .flatMap(rows -> rows.size() == 0
                        ? Uni.createFrom().failure(ConflictException.concurrentModification("Bot " + bot.id()))
                        : Uni.createFrom().item(toBot(rows.iterator().next())));
    }

    private static BotEntity toEntity(Bot bot) {
        BotEntity e = new BotEntity();
        e.id = bot.id().value();
        e.name = bot.name();
        e.capabilities = bot.capabilities().toArray(String[]::new);
        e.status = bot.status().wire();
        e.metadata = bot.metadata();
        e.lastHeartbeatAt = Sql.ts(bot.lastHeartbeatAt());
        e.createdAt = Sql.ts(bot.createdAt());
        e.updatedAt = Sql.ts(bot.updatedAt());
        e.slots = bot.slots();
        e.version = bot.version();
        return e;
    }

    private static Bot toBot(BotEntity e) {
        return new Bot(new BotId(e.id), e.name, Arrays.asList(e.capabilities), BotStatus.fromWire(e.status),
                e.metadata, Sql.instant(e.lastHeartbeatAt), Sql.instant(e.createdAt), Sql.instant(e.updatedAt),
                e.slots, e.version);
    }

    private static Bot toBot(Row row) {
        return new Bot(new BotId(row.getUUID("id")), row.getString("name"),
                Arrays.asList(row.getArrayOfStrings("capabilities")), BotStatus.fromWire(row.getString("status")),
                Jsonb.toMap(row.getValue("metadata")), Sql.instant(row.getOffsetDateTime("last_heartbeat_at")),
                Sql.instant(row.getOffsetDateTime("created_at")), Sql.instant(row.getOffsetDateTime("updated_at")),
                row.getInteger("slots"), row.getLong("version"));
    }
}
