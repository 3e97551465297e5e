package io.clawbot.coordinator.application.schedule;

import io.clawbot.coordinator.application.task.SubmitTaskCommand;
import io.clawbot.coordinator.application.workflow.CreateWorkflowCommand;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.schedule.ScheduleTarget;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A schedule's template is the JSON body one would send to {@code POST /api/v1/tasks} or
 * {@code POST /api/v1/workflows}, held as a plain map. This turns it into the creation command, with the same
 * rules as those endpoints; errors name the field under {@code template}, e.g. {@code template.priority}. The
 * schedule API checks templates with it when a schedule is saved, the sweep when it fires.
 */
public final class ScheduleTemplates {

    /** The prefix of the field a template error names. */
    public static final String FIELD = "template";

    static final Set<String> TASK_FIELDS = Set.of("type", "priority", "payload", "timeout_seconds", "retry",
            "schedule_to_start_seconds", "concurrency_key", "max_concurrency", "fairness_key", "fairness_weight",
            "rate_limit_key", "rate_per_second", "rate_burst");
    static final Set<String> WORKFLOW_FIELDS = Set.of("name", "description", "task_type", "priority",
            "timeout_seconds", "task_payloads", "metadata", "auto_start", "retry", "definition", "input");
    static final Set<String> RETRY_FIELDS = Set.of("max_attempts", "backoff_seconds", "backoff_multiplier",
            "max_backoff_seconds", "jitter", "non_retryable_errors");

    private ScheduleTemplates() {
    }

    /** Checks that the template makes a valid command for the target. */
    public static void validate(ScheduleTarget target, Map<String, Object> template) {
        switch (target) {
            case TASK -> task(template, null);
            case WORKFLOW -> workflow(template, null);
        }
    }

    /** The task submission a task template stands for. */
    public static SubmitTaskCommand task(Map<String, Object> template, IdempotencyKey key) {
        return underTemplate(() -> {
            Fields fields = new Fields(template, TASK_FIELDS);
            TaskSpec spec = TaskSpec.of(fields.string("type"), fields.integer("priority"), fields.object("payload"),
                    fields.integer("timeout_seconds"))
                    .withTiming(fields.retry("retry"), fields.integer("schedule_to_start_seconds"), null, null);
            // The keys' ${payload.<field>} placeholders take the fields of the payload each firing creates.
            return new SubmitTaskCommand(spec, key, null, fields.integer("priority") != null,
                    fields.integer("timeout_seconds") != null,
                    ConcurrencyLimit.of(fields.string("concurrency_key"), fields.integer("max_concurrency"),
                            spec.payload()),
                    FairShare.of(fields.string("fairness_key"), fields.integer("fairness_weight"), spec.payload()),
                    RateLimit.of(fields.string("rate_limit_key"), fields.number("rate_per_second"),
                            fields.integer("rate_burst"), spec.payload()));
        });
    }

    /** The workflow creation a workflow template stands for. */
    public static CreateWorkflowCommand workflow(Map<String, Object> template, IdempotencyKey key) {
        return underTemplate(() -> {
            Fields fields = new Fields(template, WORKFLOW_FIELDS);
            Map<String, Object> document = fields.object("definition");
            if (document == null) {
                return CreateWorkflowCommand.of(fields.string("name"), fields.string("description"),
                        fields.string("task_type"), fields.integer("priority"), fields.integer("timeout_seconds"),
                        fields.objects("task_payloads"), fields.object("metadata"), fields.bool("auto_start"), key)
                        .withRetry(fields.retry("retry"));
            }
            return CreateWorkflowCommand.ofDocument(document, template::get, fields.object("input"),
                    fields.object("metadata"), fields.bool("auto_start"), key).withRetry(fields.retry("retry"));
        });
    }

    /**
     * A digest of what a schedule creates: its target and template, independent of key order and of how a number
     * was boxed. Replicas firing the same occurrence compute the same one, so the creation's idempotency key sees
     * their requests as repeats of one request.
     */
    public static String fingerprint(ScheduleTarget target, Map<String, Object> template) {
        StringBuilder canonical = new StringBuilder(target.wire()).append(':');
        canonical(template, canonical);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void canonical(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append('n');
            case String s -> out.append('s').append(s.length()).append(':').append(s);
            case Boolean b -> out.append(b ? 't' : 'f');
            case Number n -> out.append('d').append(number(n)).append(';');
            case Map<?, ?> m -> {
                TreeMap<String, Object> sorted = new TreeMap<>();
                m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
                out.append('{');
                sorted.forEach((k, v) -> {
                    canonical(k, out);
                    canonical(v, out);
                });
                out.append('}');
            }
            case List<?> l -> {
                out.append('[');
                l.forEach(v -> canonical(v, out));
                out.append(']');
            }
            default -> canonical(value.toString(), out);
        }
    }

    private static String number(Number n) {
        try {
            return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return n.toString();
        }
    }

    private static <T> T underTemplate(Supplier<T> build) {
        try {
            return build.get();
        } catch (ValidationException e) {
            throw e.under(FIELD);
        }
    }

    /** Typed reads of a template's fields, with JSON {@code null} meaning "left out". */
    private static final class Fields {

        private final Map<String, Object> values;
        private final String prefix;

        Fields(Map<String, Object> values, Set<String> allowed) {
            this(values, allowed, "");
        }

        Fields(Map<String, Object> values, Set<String> allowed, String prefix) {
            this.values = values == null ? Map.of() : values;
            this.prefix = prefix;
            for (String name : this.values.keySet()) {
                if (!allowed.contains(name)) {
                    throw new ValidationException(prefix + name, "unknown field '" + name + "'");
                }
            }
        }

        Double number(String name) {
            Object value = values.get(name);
            if (value == null) {
                return null;
            }
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            throw new ValidationException(prefix + name, "must be a number");
        }

        List<String> strings(String name) {
            Object value = values.get(name);
            if (value == null) {
                return null;
            }
            if (!(value instanceof List<?> list)) {
                throw new ValidationException(prefix + name, "must be a JSON array");
            }
            List<String> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String text)) {
                    throw new ValidationException(prefix + name + "[" + i + "]", "must be a string");
                }
                out.add(text);
            }
            return out;
        }

        /** The retry choices under {@code name}, read like the task API's {@code retry} object. */
        RetryPolicy.Overrides retry(String name) {
            Map<String, Object> object = object(name);
            if (object == null) {
                return null;
            }
            Fields retry = new Fields(object, RETRY_FIELDS, prefix + name + ".");
            return new RetryPolicy.Overrides(retry.integer("max_attempts"), retry.number("backoff_seconds"),
                    retry.number("backoff_multiplier"), retry.number("max_backoff_seconds"), retry.number("jitter"),
                    retry.strings("non_retryable_errors"));
        }

        String string(String name) {
            Object value = values.get(name);
            if (value == null || value instanceof String) {
                return (String) value;
            }
            throw new ValidationException(prefix + name, "must be a string");
        }

        Integer integer(String name) {
            Object value = values.get(name);
            if (value == null) {
                return null;
            }
            if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return ((Number) value).intValue();
            }
            if (value instanceof Long || value instanceof BigInteger) {
                BigInteger big = new BigInteger(value.toString());
                if (big.bitLength() < 32) {
                    return big.intValue();
                }
            }
            throw new ValidationException(prefix + name, "must be an integer");
        }

        Boolean bool(String name) {
            Object value = values.get(name);
            if (value == null || value instanceof Boolean) {
                return (Boolean) value;
            }
            throw new ValidationException(prefix + name, "must be true or false");
        }

        Map<String, Object> object(String name) {
            return asObject(name, values.get(name));
        }

        /** A list of JSON objects; {@code null} elements are left for the command to reject. */
        List<Map<String, Object>> objects(String name) {
            Object value = values.get(name);
            if (value == null) {
                return null;
            }
            if (!(value instanceof List<?> list)) {
                throw new ValidationException(prefix + name, "must be a JSON array");
            }
            List<Map<String, Object>> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(asObject(name + "[" + i + "]", list.get(i)));
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> asObject(String name, Object value) {
            if (value == null) {
                return null;
            }
            if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(String.class::isInstance)) {
                return (Map<String, Object>) map;
            }
            throw new ValidationException(prefix + name, "must be a JSON object");
        }
    }
}
