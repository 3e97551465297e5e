package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.tasktype.KeyDefaults;
import io.clawbot.coordinator.domain.tasktype.TaskType;
import io.clawbot.coordinator.domain.tasktype.port.TaskTypeStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The task type registry in one table; writes are conditional on the version. */
@ApplicationScoped
public class PgTaskTypeStore implements TaskTypeStore {

    private static final String COLUMNS = "name, description, payload_schema, result_schema, default_priority, "
            + "default_timeout_seconds, retry, created_at, updated_at, version, default_concurrency_key, "
            + "default_max_concurrency, default_fairness_key, default_fairness_weight, default_rate_limit_key, "
            + "default_rate_per_second, default_rate_burst";

    private final Pool pool;

    public PgTaskTypeStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<TaskType> create(TaskType type) {
        return pool.preparedQuery("insert into task_types (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8, "
                + "$9, 0, $10, $11, $12, $13, $14, $15, $16) returning " + COLUMNS).execute(params(type))
                .map(rows -> toType(rows.iterator().next()))
                .onFailure(e -> PgErrors.isUniqueViolation(e, "task_types_pkey"))
                .transform(e -> new ConflictException("task-type-exists",
                        "A task type named '" + type.name() + "' is registered already"));
    }

    @Override
    public Uni<TaskType> replace(TaskType type, long expectedVersion) {
        return pool.preparedQuery("update task_types set description = $2, payload_schema = $3, result_schema = $4, "
                + "default_priority = $5, default_timeout_seconds = $6, retry = $7, updated_at = $9, "
                + "default_concurrency_key = $10, default_max_concurrency = $11, default_fairness_key = $12, "
                + "default_fairness_weight = $13, default_rate_limit_key = $14, default_rate_per_second = $15, "
                + "default_rate_burst = $16, version = version + 1 where name = $1 and version = $17 "
                + "returning " + COLUMNS)
                .execute(params(type).addLong(expectedVersion))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ConflictException.concurrentModification("task type " + type.name());
                    }
                    return toType(rows.iterator().next());
                });
    }

    @Override
    public Uni<TaskType> find(String name) {
        return pool.preparedQuery("select " + COLUMNS + " from task_types where name = $1").execute(Tuple.of(name))
                .map(rows -> rows.size() == 0 ? null : toType(rows.iterator().next()));
    }

    @Override
    public Uni<List<TaskType>> list() {
        return pool.preparedQuery("select " + COLUMNS + " from task_types order by name").execute().map(rows -> {
            List<TaskType> out = new ArrayList<>();
            rows.forEach(row -> out.add(toType(row)));
            return out;
        });
    }

    @Override
    public Uni<Boolean> delete(String name) {
        return pool.preparedQuery("delete from task_types where name = $1").execute(Tuple.of(name))
                .map(rows -> rows.rowCount() == 1);
    }

    private static Tuple params(TaskType t) {
        KeyDefaults k = t.keys();
        return Tuple.from(new Object[]{ t.name(), t.description(), Jsonb.of(t.payloadSchema()),
                Jsonb.of(t.resultSchema()), t.priority(), t.timeoutSeconds(), Jsonb.of(retryJson(t.retry())),
                Sql.ts(t.createdAt()), Sql.ts(t.updatedAt()), k == null ? null : k.concurrencyKey(),
                k == null ? null : k.maxConcurrency(), k == null ? null : k.fairnessKey(),
                k == null ? null : k.fairnessWeight(), k == null ? null : k.rateLimitKey(),
                k == null ? null : k.ratePerSecond(), k == null ? null : k.rateBurst() });
    }

    private static Map<String, Object> retryJson(RetryPolicy.Overrides o) {
        if (o == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("max_attempts", o.maxAttempts());
        json.put("backoff_seconds", o.backoffSeconds());
        json.put("backoff_multiplier", o.multiplier());
        json.put("max_backoff_seconds", o.maxBackoffSeconds());
        json.put("jitter", o.jitter());
        json.put("non_retryable_errors", o.nonRetryableErrors());
        return json;
    }

    @SuppressWarnings("unchecked")
    private static RetryPolicy.Overrides retry(Map<String, Object> json) {
        if (json == null) {
            return null;
        }
        return new RetryPolicy.Overrides(json.get("max_attempts") instanceof Number n ? n.intValue() : null,
                number(json.get("backoff_seconds")), number(json.get("backoff_multiplier")),
                number(json.get("max_backoff_seconds")), number(json.get("jitter")),
                (List<String>) json.get("non_retryable_errors"));
    }

    private static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }

    private static TaskType toType(Row row) {
        return new TaskType(row.getString("name"), row.getString("description"),
                Jsonb.toMap(row.getValue("payload_schema")), Jsonb.toMap(row.getValue("result_schema")),
                row.getInteger("default_priority"), row.getInteger("default_timeout_seconds"),
                retry(Jsonb.toMap(row.getValue("retry"))),
                KeyDefaults.of(row.getString("default_concurrency_key"), row.getInteger("default_max_concurrency"),
                        row.getString("default_fairness_key"), row.getInteger("default_fairness_weight"),
                        row.getString("default_rate_limit_key"), row.getDouble("default_rate_per_second"),
                        row.getInteger("default_rate_burst")),
                Sql.instant(row.getOffsetDateTime("created_at")),
                Sql.instant(row.getOffsetDateTime("updated_at")), row.getLong("version"));
    }
}
