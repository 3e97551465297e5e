package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.KeyId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskProgress;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The tasks and task_events tables: column lists, statements and row mapping. */
final class TaskRows {

    private static final String WRITTEN = "id, type, status, priority, payload, result, error, timeout_seconds, "
            + "workflow_id, workflow_position, bot_id, attempt, created_at, updated_at, assigned_at, started_at, "
            + "completed_at, version, error_code, retry_policy, attempts_before, schedule_to_start_seconds, run_at, "
            + "deadline_at, owner_key_id, trace_parent, concurrency_key, max_concurrency, fairness_key, fairness_weight, "
            + "rate_limit_key, rate_per_second, rate_burst";

    /** How many columns {@link #WRITTEN} names: the parameters of a task's row, $1 to this. */
    private static final int WRITTEN_COUNT = 33;

    static final String COLUMNS = WRITTEN + ", lease_expires_at, progress, progress_attempt, progress_at";

    /**
     * The virtual time of a type at a priority for fair share, as {@link FairShare#virtualTime}: the smallest tag
     * of its ready pending tasks at that priority (read from the head of tasks_pending_claim_idx), else the latest
     * tag of any of its keys, else 0. Each argument is an SQL expression.
     *
     * @param untyped whether the tasks have no type
     * @param type the type
     * @param typeKey the type's name in fair_keys: its name, or '' for no type
     */
    private static String virtualTime(String untyped, String type, String typeKey, String priority) {
        String head = "(select min(x.fair_tag) from tasks x where %s and x.status = 'pending' and x.priority = "
                + priority + " and (x.run_at is null or x.run_at <= now()))";
        return "coalesce(case when " + untyped + " then " + head.formatted("x.type is null") + " else "
                + head.formatted("x.type = " + type) + " end, (select max(m.finish) from fair_keys m where m.type = "
                + typeKey + "), 0)";
    }

    /**
     * Moves a key on by {@code excluded.span}, from the later of its previous tag and the virtual time
     * ({@code excluded.finish} is the virtual time plus the span), as {@link FairShare#start}.
     */
    private static final String MOVE_FAIR_KEY = " on conflict (type, key) do update set finish = "
            + "greatest(f.finish + excluded.span, excluded.finish), span = excluded.span "
            + "returning f.type, f.key, f.finish, f.span";

    /**
     * Reserves the tags of the tasks about to be created, by fair share key (per type): each key's row moves on by
     * the steps of its tasks ({@code span}), from the later of its previous tag and the type's virtual time, and
     * answers its new latest tag, so the reserved tags run from {@code finish - span} ({@link FairTags}). The rows
     * are written in key order, so that two reservations lock them in the same order. It is a statement of its own,
     * autocommitted, never part of a creation's transaction: a key's row is locked only while the statement runs,
     * so a replica that stalls in the middle of a creation cannot hold up the creations of others. A creation that
     * then fails leaves a gap in its key's tags, which costs nothing.
     */
    static final String RESERVE_TAGS = "with g as (select * from unnest((select $1::text[]), (select $2::text[]), "
            + "(select $3::float8[]), (select $4::int[]), (select $5::bool[])) as g(t, k, span, p, untyped)) "
            + "insert into fair_keys as f (type, key, finish, span) select g.t, g.k, "
            + virtualTime("g.untyped", "g.t", "g.t", "g.p") + " + g.span, g.span from g order by g.t, g.k"
            + MOVE_FAIR_KEY;

    /**
     * A task without an idempotency key, its tag and its creation entry in one autocommitted statement: one round
     * trip and one commit for the whole creation. Its key's row is locked only while the statement runs, as in
     * {@link #RESERVE_TAGS}. The entry's parameters follow the task's ({@link #insertAloneParams}).
     */
    static final String INSERT_ALONE = "with f as (insert into fair_keys as f (type, key, finish, span) "
            + "select coalesce($2::text, ''), coalesce($29::text, ''), " + virtualTime("$2::text is null", "$2::text",
                    "coalesce($2::text, '')", "$4::int")
            + " + 1.0 / coalesce($30::int, 1), 1.0 / coalesce($30::int, 1)" + MOVE_FAIR_KEY + "), "
            + "created as (insert into tasks (" + WRITTEN + ", fair_tag) values (" + parameters(1, WRITTEN_COUNT)
            + ", (select finish from f)) returning id) " + eventFrom("created", WRITTEN_COUNT + 1);

    private static final String INSERT = "insert into tasks (" + WRITTEN + ", fair_tag) values ("
            + parameters(1, WRITTEN_COUNT + 1) + ")";

    /**
     * A task and its creation entry in one statement: a creation without an idempotency key is then one round trip
     * and one commit, with no transaction around it. The entry's parameters follow the task's and its tag's
     * ({@link #insertWithEventParams}).
     */
    static final String INSERT_WITH_EVENT = "with created as (" + INSERT + " returning id) "
            + eventFrom("created", WRITTEN_COUNT + 2);

    /**
     * A compare-and-set on the version the new state was computed from. Deadlines and the retry's run-at come
     * from the domain, computed with the service's clock, which follows the database's. The lease follows the new
     * status, from the same time as the rest of the write ($7): the acknowledgement lease ($12 seconds) for an
     * assignment, the running lease ($13) for a start, none otherwise.
     */
    static final String UPDATE = "update tasks set status = $2, bot_id = $3, attempt = $4, result = $5, error = $6, "
            + "updated_at = $7, assigned_at = $8, started_at = $9, completed_at = $10, version = version + 1, "
            + "error_code = $14, run_at = $15, deadline_at = $16, attempts_before = $17, payload = $18, "
            + "lease_expires_at = case $2 when 'assigned' then $7::timestamptz + make_interval(secs => $12::float8) "
            + "when 'in_progress' then $7::timestamptz + make_interval(secs => $13::float8) else null end "
            + "where id = $1 and version = $11";

    static final String INSERT_EVENT = "insert into task_events "
            + "(task_id, from_status, to_status, attempt, actor, reason, occurred_at, cause) "
            + "values ($1, $2, $3, $4, $5, $6, $7, $8)";

    private TaskRows() {
    }

    /** {@code $from, ..., $to}. */
    private static String parameters(int from, int to) {
        return java.util.stream.IntStream.rangeClosed(from, to).mapToObj(i -> "$" + i)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The creation entry of the task {@code cte} returns, its parameters from {@code $first} on ({@link #withEvent}). */
    private static String eventFrom(String cte, int first) {
        return "insert into task_events (task_id, from_status, to_status, attempt, actor, reason, occurred_at, cause) "
                + "select id, $%d::text, $%d::text, $%d::int, $%d::text, $%d::text, $%d::timestamptz, $%d::text from %s"
                        .formatted(first, first + 1, first + 2, first + 3, first + 4, first + 5, first + 6, cte);
    }

    /** The columns written by {@link #INSERT}, each with its type, for the set-based inserts. */
    private static final String[][] WRITTEN_TYPES = { { "id", "uuid" }, { "type", "text" }, { "status", "text" },
            { "priority", "int" }, { "payload", "jsonb" }, { "result", "jsonb" }, { "error", "text" },
            { "timeout_seconds", "int" }, { "workflow_id", "uuid" }, { "workflow_position", "int" },
            { "bot_id", "uuid" }, { "attempt", "int" }, { "created_at", "timestamptz" },
            { "updated_at", "timestamptz" }, { "assigned_at", "timestamptz" }, { "started_at", "timestamptz" },
            { "completed_at", "timestamptz" }, { "version", "bigint" }, { "error_code", "text" },
            { "retry_policy", "jsonb" }, { "attempts_before", "int" }, { "schedule_to_start_seconds", "int" },
            { "run_at", "timestamptz" }, { "deadline_at", "timestamptz" }, { "owner_key_id", "uuid" },
            { "trace_parent", "text" }, { "concurrency_key", "text" }, { "max_concurrency", "int" },
            { "fairness_key", "text" }, { "fairness_weight", "int" }, { "rate_limit_key", "text" },
            { "rate_per_second", "float8" }, { "rate_burst", "int" } };

    /** The columns of {@link #INSERT_MANY}: the written ones and the task's fair share tag. */
    private static final String[][] INSERTED_TYPES = java.util.stream.Stream.concat(
            java.util.Arrays.stream(WRITTEN_TYPES), java.util.stream.Stream.<String[]>of(new String[]{ "fair_tag",
                    "float8" }))
            .toArray(String[][]::new);

    private static final String[][] EVENT_TYPES = { { "task_id", "uuid" }, { "from_status", "text" },
            { "to_status", "text" }, { "attempt", "int" }, { "actor", "text" }, { "reason", "text" },
            { "occurred_at", "timestamptz" }, { "cause", "text" } };

    /**
     * Many tasks in one statement: one array per column, unnested into rows. PostgreSQL plans and runs it once,
     * where a pipelined batch of single inserts runs a statement per row. Their tags are reserved before
     * ({@link #RESERVE_TAGS}).
     */
    static final String INSERT_MANY = unnestInsert("tasks", INSERTED_TYPES);

    /** Many history entries in one statement, as {@link #INSERT_MANY}. */
    static final String INSERT_EVENTS = unnestInsert("task_events", EVENT_TYPES);

    private static String unnestInsert(String table, String[][] columns) {
        StringBuilder names = new StringBuilder();
        StringBuilder selected = new StringBuilder();
        StringBuilder arrays = new StringBuilder();
        for (int i = 0; i < columns.length; i++) {
            String sep = i == 0 ? "" : ", ";
            String name = columns[i][0];
            String type = columns[i][1];
            names.append(sep).append(name);
            // JSON documents travel as text and are cast per row.
            selected.append(sep).append(type.equals("jsonb") ? name + "::jsonb" : name);
            arrays.append(sep).append('$').append(i + 1).append("::").append(type.equals("jsonb") ? "text" : type)
                    .append("[]");
        }
        // Rows go in the arrays' order, so the history's ids follow the order of the entries.
        return "insert into " + table + " (" + names + ") select " + selected + " from unnest(" + arrays
                + ") with ordinality as r(" + names + ", ord) order by ord";
    }

    /** The parameters of {@link #INSERT_MANY}: each task's {@link #insertParams}, column by column. */
    static Tuple insertManyParams(List<Task> tasks, Map<TaskId, Double> tags) {
        return columns(tasks.stream().map(t -> insertParams(t).addValue(tags.get(t.id()))).toList(), INSERTED_TYPES);
    }

    /** The parameters of {@link #INSERT_EVENTS}. */
    static Tuple eventsParams(List<TaskTransitioned> events) {
        return columns(events.stream().map(TaskRows::eventParams).toList(), EVENT_TYPES);
    }

    private static Tuple columns(List<Tuple> rows, String[][] types) {
        int n = rows.size();
        Object[] arrays = new Object[types.length];
        for (int c = 0; c < types.length; c++) {
            String type = types[c][1];
            Object[] column = switch (type) {
                case "uuid" -> new UUID[n];
                case "int" -> new Integer[n];
                case "bigint" -> new Long[n];
                case "timestamptz" -> new java.time.OffsetDateTime[n];
                case "float8" -> new Double[n];
                default -> new String[n];
            };
            for (int r = 0; r < n; r++) {
                Object value = rows.get(r).getValue(c);
                column[r] = switch (value) {
                    case null -> null;
                    case io.vertx.core.json.JsonObject json -> json.encode();
                    case Integer i when type.equals("bigint") -> i.longValue();
                    case Long l when type.equals("int") -> Math.toIntExact(l);
                    default -> value;
                };
            }
            arrays[c] = column;
        }
        return Tuple.from(arrays);
    }

    static Tuple insertParams(Task t) {
        return Tuple.from(new Object[]{ t.id().value(), t.type(), t.status().wire(), t.priority(),
                Jsonb.of(t.payload()), Jsonb.of(t.result()), t.error(), t.timeoutSeconds(),
                t.workflowId() == null ? null : t.workflowId().value(), t.workflowPosition(),
                t.botId() == null ? null : t.botId().value(), t.attempt(), Sql.ts(t.createdAt()),
                Sql.ts(t.updatedAt()), Sql.ts(t.assignedAt()), Sql.ts(t.startedAt()), Sql.ts(t.completedAt()),
                t.version(), t.errorCode(), Jsonb.of(retryJson(t.retry())), t.attemptsBefore(),
                t.scheduleToStartSeconds(), Sql.ts(t.runAt()), Sql.ts(t.deadlineAt()),
                t.owner() == null ? null : t.owner().value(), t.traceParent(),
                t.concurrency() == null ? null : t.concurrency().key(),
                t.concurrency() == null ? null : t.concurrency().max(),
                t.fairness() == null ? null : t.fairness().key(),
                t.fairness() == null ? null : t.fairness().weight(), t.rate() == null ? null : t.rate().key(),
                t.rate() == null ? null : t.rate().perSecond(), t.rate() == null ? null : t.rate().burst() });
    }

    /** The task's columns, then its creation entry's, for {@link #INSERT_ALONE}. */
    static Tuple insertAloneParams(Task t, TaskTransitioned e) {
        return withEvent(insertParams(t), e);
    }

    /** The task's columns, its fair share tag, then its creation entry's, for {@link #INSERT_WITH_EVENT}. */
    static Tuple insertWithEventParams(Task t, double tag, TaskTransitioned e) {
        return withEvent(insertParams(t).addValue(tag), e);
    }

    private static Tuple withEvent(Tuple params, TaskTransitioned e) {
        return params.addValue(e.from() == null ? null : e.from().wire()).addValue(e.to().wire())
                .addValue(e.attempt()).addValue(e.actor().value()).addValue(e.reason())
                .addValue(Sql.ts(e.occurredAt())).addValue(e.cause());
    }

    static Tuple updateParams(Task t, long expectedVersion, ChannelTerms terms) {
        return Tuple.from(new Object[]{ t.id().value(), t.status().wire(),
                t.botId() == null ? null : t.botId().value(), t.attempt(), Jsonb.of(t.result()), t.error(),
                Sql.ts(t.updatedAt()), Sql.ts(t.assignedAt()), Sql.ts(t.startedAt()), Sql.ts(t.completedAt()),
                expectedVersion, seconds(terms.ackTimeout()), seconds(terms.lease()), t.errorCode(), Sql.ts(t.runAt()),
                Sql.ts(t.deadlineAt()), t.attemptsBefore(), Jsonb.of(t.payload()) });
    }

    static double seconds(java.time.Duration d) {
        return d.toMillis() / 1000.0;
    }

    static Tuple eventParams(TaskTransitioned e) {
        return Tuple.from(new Object[]{ e.taskId().value(), e.from() == null ? null : e.from().wire(), e.to().wire(),
                e.attempt(), e.actor().value(), e.reason(), Sql.ts(e.occurredAt()), e.cause() });
    }

    static TaskTransitioned toEvent(Row row) {
        String from = row.getString("from_status");
        return new TaskTransitioned(new TaskId(row.getUUID("task_id")), from == null ? null : TaskStatus.fromWire(from),
                TaskStatus.fromWire(row.getString("to_status")), row.getInteger("attempt"),
                new Actor(row.getString("actor")), row.getString("reason"),
                Sql.instant(row.getOffsetDateTime("occurred_at")), row.getString("cause"));
    }

    static Task toTask(Row row) {
        UUID workflowId = row.getUUID("workflow_id");
        UUID botId = row.getUUID("bot_id");
        UUID owner = row.getUUID("owner_key_id");
        return new Task(
                new TaskId(row.getUUID("id")),
                row.getString("type"),
                TaskStatus.fromWire(row.getString("status")),
                row.getInteger("priority"),
                Jsonb.toMap(row.getValue("payload")),
                Jsonb.toMap(row.getValue("result")),
                row.getString("error"),
                row.getString("error_code"),
                row.getInteger("timeout_seconds"),
                workflowId == null ? null : new WorkflowId(workflowId),
                row.getInteger("workflow_position"),
                botId == null ? null : new BotId(botId),
                row.getInteger("attempt"),
                Sql.instant(row.getOffsetDateTime("created_at")),
                Sql.instant(row.getOffsetDateTime("updated_at")),
                Sql.instant(row.getOffsetDateTime("assigned_at")),
                Sql.instant(row.getOffsetDateTime("started_at")),
                Sql.instant(row.getOffsetDateTime("completed_at")),
                row.getLong("version"),
                retryPolicy(Jsonb.toMap(row.getValue("retry_policy"))),
                row.getInteger("schedule_to_start_seconds"),
                Sql.instant(row.getOffsetDateTime("run_at")),
                Sql.instant(row.getOffsetDateTime("deadline_at")),
                Sql.instant(row.getOffsetDateTime("lease_expires_at")),
                row.getInteger("attempts_before"),
                owner == null ? null : new KeyId(owner),
                progress(row),
                row.getString("trace_parent"),
                concurrency(row),
                fairness(row),
                rate(row));
    }

    private static RateLimit rate(Row row) {
        String key = row.getString("rate_limit_key");
        return key == null ? null : new RateLimit(key, row.getDouble("rate_per_second"), row.getInteger("rate_burst"));
    }

    private static FairShare fairness(Row row) {
        String key = row.getString("fairness_key");
        return key == null ? null : new FairShare(key, row.getInteger("fairness_weight"));
    }

    private static ConcurrencyLimit concurrency(Row row) {
        String key = row.getString("concurrency_key");
        return key == null ? null : new ConcurrencyLimit(key, row.getInteger("max_concurrency"));
    }

    private static TaskProgress progress(Row row) {
        Map<String, Object> data = Jsonb.toMap(row.getValue("progress"));
        return data == null
                ? null
                : new TaskProgress(data, row.getInteger("progress_attempt"),
                        Sql.instant(row.getOffsetDateTime("progress_at")));
    }

    /** The stored form of a retry policy; the same field names as the API's. */
    static Map<String, Object> retryJson(RetryPolicy p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("max_attempts", p.maxAttempts());
        json.put("backoff_seconds", p.initialBackoff().toNanos() / 1e9);
        json.put("backoff_multiplier", p.multiplier());
        json.put("max_backoff_seconds", p.maxBackoff().toNanos() / 1e9);
        json.put("jitter", p.jitter());
        json.put("non_retryable_errors", p.nonRetryableErrors().stream().sorted().toList());
        return json;
    }

    @SuppressWarnings("unchecked")
    static RetryPolicy retryPolicy(Map<String, Object> json) {
        if (json == null) {
            return null;
        }
        return new RetryPolicy(((Number) json.get("max_attempts")).intValue(),
                Duration.ofNanos((long) (((Number) json.get("backoff_seconds")).doubleValue() * 1e9)),
                ((Number) json.get("backoff_multiplier")).doubleValue(),
                Duration.ofNanos((long) (((Number) json.get("max_backoff_seconds")).doubleValue() * 1e9)),
                ((Number) json.get("jitter")).doubleValue(),
                new HashSet<>((List<String>) json.getOrDefault("non_retryable_errors", List.of())));
    }
}
