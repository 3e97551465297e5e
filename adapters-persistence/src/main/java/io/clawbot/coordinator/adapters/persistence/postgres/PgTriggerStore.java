package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.trigger.Trigger;
import io.clawbot.coordinator.domain.trigger.TriggerMatch;
import io.clawbot.coordinator.domain.trigger.TriggerSecrets;
import io.clawbot.coordinator.domain.trigger.TriggerSource;
import io.clawbot.coordinator.domain.trigger.TriggerTarget;
import io.clawbot.coordinator.domain.trigger.port.TriggerStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Triggers in one table; configuration writes are conditional on the version. */
@ApplicationScoped
public class PgTriggerStore implements TriggerStore {

    private static final String COLUMNS = "name, description, source, enabled, match, target, template, reply, "
            + "app_user_id, max_requests, window_seconds, secret_set_at, previous_secret_until, "
            + "bot_token is not null as has_bot_token, created_at, updated_at, version";
    private static final String SECRETS = "secret, previous_secret, previous_secret_until, bot_token";

    private final Pool pool;

    public PgTriggerStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Trigger> create(Trigger t, TriggerSecrets secrets) {
        return pool.preparedQuery("insert into triggers (name, description, source, enabled, match, target, "
                + "template, reply, app_user_id, max_requests, window_seconds, created_at, updated_at, secret, "
                + "secret_set_at, bot_token) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, "
                + "$12, $14) returning " + COLUMNS)
                .execute(config(t).addValue(Sql.ts(t.createdAt())).addString(secrets.current())
                        .addString(secrets.botToken()))
                .map(rows -> toTrigger(rows.iterator().next()))
                .onFailure(e -> PgErrors.isUniqueViolation(e, "triggers_pkey"))
                .transform(e -> new ConflictException("trigger-exists",
                        "A trigger named '" + t.name() + "' exists already"));
    }

    @Override
    public Uni<Trigger> replace(Trigger t, long expectedVersion, String botToken) {
        return pool.preparedQuery("update triggers set description = $2, source = $3, enabled = $4, match = $5, "
                + "target = $6, template = $7, reply = $8, app_user_id = $9, max_requests = $10, "
                + "window_seconds = $11, updated_at = $12, bot_token = case when $14::text is null then bot_token "
                + "when $14 = '' then null else $14 end, version = version + 1 where name = $1 and version = $13 "
                + "returning " + COLUMNS)
                .execute(config(t).addValue(Sql.ts(t.updatedAt())).addLong(expectedVersion).addString(botToken))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ConflictException.concurrentModification("trigger " + t.name());
                    }
                    return toTrigger(rows.iterator().next());
                });
    }

    @Override
    public Uni<Trigger> rotate(String name, String secret, Instant previousUntil) {
        return pool.preparedQuery("update triggers set previous_secret = case when $3::timestamptz is null then "
                + "null else secret end, previous_secret_until = $3, secret = $2, secret_set_at = now(), "
                + "updated_at = now(), version = version + 1 where name = $1 returning " + COLUMNS)
                .execute(Tuple.of(name, secret, Sql.ts(previousUntil)))
                .map(rows -> rows.size() == 0 ? null : toTrigger(rows.iterator().next()));
    }

    @Override
    public Uni<Trigger> find(String name) {
        return pool.preparedQuery("select " + COLUMNS + " from triggers where name = $1").execute(Tuple.of(name))
                .map(rows -> rows.size() == 0 ? null : toTrigger(rows.iterator().next()));
    }

    @Override
    public Uni<WithSecrets> findWithSecrets(String name) {
        return pool.preparedQuery("select " + COLUMNS + ", " + SECRETS + " from triggers where name = $1")
                .execute(Tuple.of(name)).map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new WithSecrets(toTrigger(row), new TriggerSecrets(row.getString("secret"),
                            row.getString("previous_secret"),
                            Sql.instant(row.getOffsetDateTime("previous_secret_until")), row.getString("bot_token")));
                });
    }

    @Override
    public Uni<List<Trigger>> list() {
        return pool.preparedQuery("select " + COLUMNS + " from triggers order by name").execute().map(rows -> {
            List<Trigger> out = new ArrayList<>();
            rows.forEach(row -> out.add(toTrigger(row)));
            return out;
        });
    }

    @Override
    public Uni<Boolean> delete(String name) {
        return pool.preparedQuery("delete from triggers where name = $1").execute(Tuple.of(name))
                .map(rows -> rows.rowCount() == 1);
    }

    private static Tuple config(Trigger t) {
        return Tuple.from(new Object[]{ t.name(), t.description(), t.source().wire(), t.enabled(),
                Jsonb.of(matchJson(t.match())), t.target().wire(), Jsonb.of(t.template()), t.reply(), t.appUserId(),
                t.maxRequests(), t.windowSeconds() });
    }

    private static Map<String, Object> matchJson(TriggerMatch m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("event_types", m.eventTypes());
        json.put("commands", m.commands());
        json.put("channels", m.channels());
        json.put("text_pattern", m.textPattern());
        json.put("condition", m.condition());
        return json;
    }

    @SuppressWarnings("unchecked")
    private static TriggerMatch match(Map<String, Object> json) {
        return new TriggerMatch((List<String>) json.get("event_types"), (List<String>) json.get("commands"),
                (List<String>) json.get("channels"), (String) json.get("text_pattern"), (String) json.get("condition"));
    }

    private static Trigger toTrigger(Row row) {
        return new Trigger(row.getString("name"), row.getString("description"),
                TriggerSource.fromWire("source", row.getString("source")), row.getBoolean("enabled"),
                match(Jsonb.toMap(row.getValue("match"))), TriggerTarget.fromWire("target", row.getString("target")),
                Jsonb.toMap(row.getValue("template")), row.getBoolean("reply"), row.getString("app_user_id"),
                row.getInteger("max_requests"), row.getInteger("window_seconds"),
                Sql.instant(row.getOffsetDateTime("secret_set_at")),
                Sql.instant(row.getOffsetDateTime("previous_secret_until")), row.getBoolean("has_bot_token"),
                Sql.instant(row.getOffsetDateTime("created_at")), Sql.instant(row.getOffsetDateTime("updated_at")),
                row.getLong("version"));
    }
}
