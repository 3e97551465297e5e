package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The document form of a workflow definition, as YAML or JSON parse it into maps and lists: seed 001's
 * {@code workflow:} with {@code jobs} and {@code parameters}, or the same fields at the top level, or {@code steps} and
 * {@code params}. Reading it checks every field's type and rejects unknown ones, naming the path of the fault
 * ({@code jobs[1].on_success}); the definition then checks its graph.
 */
public final class WorkflowDocument {

    /** Step ids: no dots, so that {@code ${steps.<id>.result.<path>}} reads unambiguously. */
    private static final java.util.regex.Pattern STEP_ID = java.util.regex.Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9_-]{0,99}");

    private static final Set<String> ROOT_FIELDS = Set.of("name", "description", "steps", "jobs");
    private static final Set<String> STEP_FIELDS = Set.of("id", "type", "params", "parameters", "depends_on",
            "on_success", "on_failure", "always_run", "priority", "timeout_seconds", "retry", "when", "kind",
            "approvers", "default_outcome");
    /** The roles that may decide an approval (a reader changes nothing). */
    private static final Set<String> APPROVER_ROLES = Set.of("admin", "operator", "submitter");
    private static final Set<String> RETRY_FIELDS = Set.of("max_attempts", "backoff_seconds", "backoff_multiplier",
            "max_backoff_seconds", "jitter", "non_retryable_errors");

    private WorkflowDocument() {
    }

    /**
     * Reads a definition from its document form (parsed YAML or JSON): seed 001's {@code workflow:} with
     * {@code jobs} and {@code parameters}, or the same fields at the top level, or {@code steps} and
     * {@code params}. Unknown fields are rejected.
     */
    public static WorkflowDefinition parse(Object document) {
        Map<String, Object> root = object("", document);
        if (root == null) {
            throw new ValidationException("workflow", "a workflow definition is required");
        }
        if (root.size() == 1 && root.containsKey("workflow")) {
            root = object("workflow", root.get("workflow"));
            if (root == null) {
                throw new ValidationException("workflow", "must be a JSON object");
            }
        }
        for (String key : root.keySet()) {
            if (!ROOT_FIELDS.contains(key)) {
                throw new ValidationException(key, "unknown field '" + key + "'");
            }
        }
        if (root.containsKey("steps") && root.containsKey("jobs")) {
            throw new ValidationException("jobs", "give either steps or jobs, not both");
        }
        String list = root.containsKey("jobs") ? "jobs" : "steps";
        Object items = root.get(list);
        if (!(items instanceof List<?> raw) || raw.isEmpty()) {
            throw new ValidationException(list, "must be a non-empty list of steps");
        }
        if (raw.size() > WorkflowDefinition.MAX_STEPS) {
            throw new ValidationException(list, "must hold at most " + WorkflowDefinition.MAX_STEPS + " steps");
        }
        List<StepDefinition> steps = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            steps.add(step(list + "[" + i + "]", raw.get(i)));
        }
        String name = text("name", root.get("name"));
        String description = text("description", root.get("description"));
        try {
            return new WorkflowDefinition(name, description, steps);
        } catch (ValidationException e) {
            // The constructor checks the graph and names its faults under "steps"; the document may say "jobs".
            if (!list.equals("steps") && e.field().startsWith("steps[")) {
                throw new ValidationException(list + e.field().substring("steps".length()), e.detail());
            }
            throw e;
        }
    }

    private static StepDefinition step(String path, Object value) {
        Map<String, Object> fields = object(path, value);
        if (fields == null) {
            throw new ValidationException(path, "must be a JSON object");
        }
        for (String key : fields.keySet()) {
            if (!STEP_FIELDS.contains(key)) {
                throw new ValidationException(path + "." + key, "unknown field '" + key + "'");
            }
        }
        if (fields.containsKey("params") && fields.containsKey("parameters")) {
            throw new ValidationException(path + ".parameters", "give either params or parameters, not both");
        }
        String id = text(path + ".id", fields.get("id"));
        if (id == null) {
            throw new ValidationException(path + ".id", "is required");
        }
        if (!STEP_ID.matcher(id).matches()) {
            throw new ValidationException(path + ".id", "must be 1-100 letters, digits, '_' or '-', starting with a "
                    + "letter or digit");
        }
        String type = text(path + ".type", fields.get("type"));
        if (type != null) {
            Names.token(path + ".type", type);
        }
        String paramsKey = fields.containsKey("parameters") ? "parameters" : "params";
        Map<String, Object> params = object(path + "." + paramsKey, fields.get(paramsKey));
        Object alwaysRun = fields.get("always_run");
        if (alwaysRun != null && !(alwaysRun instanceof Boolean)) {
            throw new ValidationException(path + ".always_run", "must be true or false");
        }
        Integer priority = integer(path + ".priority", fields.get("priority"));
        Integer timeout = integer(path + ".timeout_seconds", fields.get("timeout_seconds"));
        boolean approvalStep = "approval".equals(fields.get("kind"));
        try {
            // An approval's timeout is how long a decision may take, up to the longest wait a task may have.
            TaskSpec.of(type, priority, params, approvalStep ? null : timeout);
        } catch (ValidationException e) {
            throw e.under(path);
        }
        if (approvalStep && timeout != null && (timeout < 1 || timeout > TaskSpec.MAX_WAIT_SECONDS)) {
            throw new ValidationException(path + ".timeout_seconds", "an approval's timeout must be between 1 and "
                    + TaskSpec.MAX_WAIT_SECONDS + " seconds (7 days)");
        }
        String when = text(path + ".when", fields.get("when"));
        if (when != null && (when.isBlank() || when.length() > Conditions.MAX_LENGTH)) {
            throw new ValidationException(path + ".when", "must be a condition of 1-" + Conditions.MAX_LENGTH
                    + " characters");
        }
        StepDefinition.Approval approval = approval(path, fields, type);
        return new StepDefinition(id, type, params, names(path + ".depends_on", fields.get("depends_on")),
                names(path + ".on_success", fields.get("on_success")),
                names(path + ".on_failure", fields.get("on_failure")), Boolean.TRUE.equals(alwaysRun), priority,
                timeout, approval == null ? retry(path + ".retry", fields.get("retry")) : null, when, approval);
    }

    /** An approval step's terms, or {@code null} for a task step; approval fields on a task step are refused. */
    private static StepDefinition.Approval approval(String path, Map<String, Object> fields, String type) {
        String kind = text(path + ".kind", fields.get("kind"));
        if (kind == null || kind.equals("task")) {
            for (String field : List.of("approvers", "default_outcome")) {
                if (fields.containsKey(field)) {
                    throw new ValidationException(path + "." + field, "belongs to a step of kind approval");
                }
            }
            return null;
        }
        if (!kind.equals("approval")) {
            throw new ValidationException(path + ".kind", "must be task or approval");
        }
        if (type != null) {
            throw new ValidationException(path + ".type", "an approval step runs no task type: no bot takes it");
        }
        if (fields.containsKey("retry")) {
            throw new ValidationException(path + ".retry", "an approval is decided once: it has no retries");
        }
        String approvers = text(path + ".approvers", fields.get("approvers"));
        if (approvers == null) {
            approvers = "operator";
        }
        if (!APPROVER_ROLES.contains(approvers)) {
            throw new ValidationException(path + ".approvers", "must be the role that decides: admin, operator or "
                    + "submitter");
        }
        String outcome = text(path + ".default_outcome", fields.get("default_outcome"));
        if (outcome == null) {
            outcome = "reject";
        }
        if (!StepDefinition.Approval.OUTCOMES.contains(outcome)) {
            throw new ValidationException(path + ".default_outcome", "must be approve or reject");
        }
        return new StepDefinition.Approval(approvers, outcome);
    }

    private static RetryPolicy.Overrides retry(String path, Object value) {
        Map<String, Object> fields = object(path, value);
        if (fields == null) {
            return null;
        }
        for (String key : fields.keySet()) {
            if (!RETRY_FIELDS.contains(key)) {
                throw new ValidationException(path + "." + key, "unknown field '" + key + "'");
            }
        }
        List<String> codes = fields.get("non_retryable_errors") == null
                ? null
                : names(path + ".non_retryable_errors", fields.get("non_retryable_errors"));
        RetryPolicy.Overrides overrides = new RetryPolicy.Overrides(integer(path + ".max_attempts",
                fields.get("max_attempts")), number(path + ".backoff_seconds", fields.get("backoff_seconds")),
                number(path + ".backoff_multiplier", fields.get("backoff_multiplier")),
                number(path + ".max_backoff_seconds", fields.get("max_backoff_seconds")),
                number(path + ".jitter", fields.get("jitter")), codes);
        try {
            RetryPolicy.DEFAULT.with(overrides);
        } catch (ValidationException e) {
            throw new ValidationException(path + e.field().substring("retry".length()), e.detail());
        }
        return overrides;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String path, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(String.class::isInstance)) {
            return (Map<String, Object>) map;
        }
        throw new ValidationException(path.isEmpty() ? "workflow" : path, "must be a JSON object");
    }

    private static String text(String path, Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new ValidationException(path, "must be a string");
    }

    private static Integer integer(String path, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte
                || ((value instanceof Long || value instanceof BigInteger)
                        && new BigInteger(value.toString()).bitLength() < 32)) {
            return ((Number) value).intValue();
        }
        throw new ValidationException(path, "must be an integer");
    }

    private static Double number(String path, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new ValidationException(path, "must be a number");
    }

    /** A step name or a list of them. */
    private static List<String> names(String path, Object value) {
        if (value == null) {
            return List.of();
        }
        List<?> raw = value instanceof List<?> l ? l : List.of(value);
        if (raw.size() > WorkflowDefinition.MAX_STEPS) {
            throw new ValidationException(path, "must name at most " + WorkflowDefinition.MAX_STEPS + " steps");
        }
        List<String> out = new ArrayList<>(raw.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            if (!(raw.get(i) instanceof String name)) {
                throw new ValidationException(where(value, path, i), "must be a step id (a string)");
            }
            if (!seen.add(name)) {
                throw new ValidationException(where(value, path, i), "names '" + name + "' twice");
            }
            if (!Names.isToken(name)) {
                Names.token(where(value, path, i), name);
            }
            out.add(name);
        }
        return out;
    }

    private static String where(Object value, String path, int i) {
        return value instanceof List<?> ? path + "[" + i + "]" : path;
    }

    /** The document form of a definition: what {@link #parse} reads back to an equal definition. */
    public static Map<String, Object> of(WorkflowDefinition definition) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", definition.name());
        if (definition.description() != null) {
            doc.put("description", definition.description());
        }
        List<Object> list = new ArrayList<>(definition.steps().size());
        for (StepDefinition s : definition.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("id", s.id());
            if (s.type() != null) {
                step.put("type", s.type());
            }
            step.put("params", s.params());
            if (!s.dependsOn().isEmpty()) {
                step.put("depends_on", s.dependsOn());
            }
            if (!s.onSuccess().isEmpty()) {
                step.put("on_success", s.onSuccess());
            }
            if (!s.onFailure().isEmpty()) {
                step.put("on_failure", s.onFailure());
            }
            if (s.alwaysRun()) {
                step.put("always_run", true);
            }
            if (s.priority() != null) {
                step.put("priority", s.priority());
            }
            if (s.timeoutSeconds() != null) {
                step.put("timeout_seconds", s.timeoutSeconds());
            }
            if (s.retry() != null) {
                step.put("retry", retryDocument(s.retry()));
            }
            if (s.when() != null) {
                step.put("when", s.when());
            }
            if (s.approval() != null) {
                step.put("kind", "approval");
                step.put("approvers", s.approval().approvers());
                step.put("default_outcome", s.approval().defaultOutcome());
            }
            list.add(step);
        }
        doc.put("steps", list);
        return doc;
    }

    private static Map<String, Object> retryDocument(RetryPolicy.Overrides r) {
        Map<String, Object> out = new LinkedHashMap<>();
        putIfSet(out, "max_attempts", r.maxAttempts());
        putIfSet(out, "backoff_seconds", r.backoffSeconds());
        putIfSet(out, "backoff_multiplier", r.multiplier());
        putIfSet(out, "max_backoff_seconds", r.maxBackoffSeconds());
        putIfSet(out, "jitter", r.jitter());
        putIfSet(out, "non_retryable_errors", r.nonRetryableErrors());
        return out;
    }

    private static void putIfSet(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
