package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A workflow as a graph of steps, validated on construction: every name a step refers to exists, the graph has
 * no cycle, every step can run in some outcome, and every reference in the params names something that runs
 * before the step. Errors are {@link ValidationException}s whose field is the path of the fault, such as
 * {@code steps[2].on_success}.
 *
 * <p>
 * How it runs ({@link DagPlan}): a step without {@code depends_on} and not named by another step's
 * {@code on_success} / {@code on_failure} starts with the workflow. A step runs when all of its
 * {@code depends_on} completed and, if other steps name it as a branch, one of those branches was taken. An
 * {@code always_run} step runs once every step it waits for has ended, whatever the outcome; one that waits for
 * nothing named waits for every step that is not {@code always_run} and does not come after it.
 *
 * @param steps in the order given; their positions are their indexes
 */
public record WorkflowDefinition(String name, String description, List<StepDefinition> steps) {

    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_DESCRIPTION_LENGTH = 2000;
    public static final int MAX_STEPS = 1000;

    /** Step ids: no dots, so that {@code ${steps.<id>.result.<path>}} reads unambiguously. */
    private static final java.util.regex.Pattern STEP_ID = java.util.regex.Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9_-]{0,99}");

    private static final Set<String> ROOT_FIELDS = Set.of("name", "description", "steps", "jobs");
    private static final Set<String> STEP_FIELDS = Set.of("id", "type", "params", "parameters", "depends_on",
            "on_success", "on_failure", "always_run", "priority", "timeout_seconds", "retry");
    private static final Set<String> RETRY_FIELDS = Set.of("max_attempts", "backoff_seconds", "backoff_multiplier",
            "max_backoff_seconds", "jitter", "non_retryable_errors");

    public WorkflowDefinition {
        name = Names.required("name", name, MAX_NAME_LENGTH);
        description = Names.optional("description", description, MAX_DESCRIPTION_LENGTH);
        steps = List.copyOf(steps);
        new Graph(steps, "steps").validate();
    }

    /** The step with this id, or {@code null}. */
    public StepDefinition step(String id) {
        for (StepDefinition s : steps) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }

    /** The position of the step with this id, or -1. */
    public int position(String id) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /** The steps that name {@code id} in their {@code on_success} ({@code success}) or {@code on_failure}. */
    public List<StepDefinition> branchSources(String id, boolean success) {
        List<StepDefinition> out = new ArrayList<>();
        for (StepDefinition s : steps) {
            if ((success ? s.onSuccess() : s.onFailure()).contains(id)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Whether some step names {@code id} as a branch. */
    public boolean isBranchTarget(String id) {
        return !branchSources(id, true).isEmpty() || !branchSources(id, false).isEmpty();
    }

    /** The steps an {@code always_run} step waits for: those it names, or else all it does not precede. */
    public Set<String> awaited(StepDefinition step) {
        Set<String> named = new LinkedHashSet<>(step.dependsOn());
        branchSources(step.id(), true).forEach(s -> named.add(s.id()));
        branchSources(step.id(), false).forEach(s -> named.add(s.id()));
        if (!named.isEmpty() || !step.alwaysRun()) {
            return named;
        }
        Set<String> after = new Graph(steps, "steps").link().descendants(step.id());
        Set<String> all = new LinkedHashSet<>();
        for (StepDefinition s : steps) {
            if (!s.alwaysRun() && !after.contains(s.id())) {
                all.add(s.id());
            }
        }
        return all;
    }

    /** Whether the step starts with the workflow. */
    public boolean isRoot(StepDefinition step) {
        return !step.alwaysRun() && step.dependsOn().isEmpty() && !isBranchTarget(step.id());
    }

    /**
     * Seed 000's sequential workflow as a graph: {@code step-1}, {@code step-2}, ... each depending on the one
     * before. Its payloads are data, not templates: a {@code ${} in them is kept as it is.
     */
    public static WorkflowDefinition linear(String name, String description, List<TaskSpec> specs) {
        List<StepDefinition> steps = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            TaskSpec spec = specs.get(i);
            steps.add(new StepDefinition("step-" + (i + 1), spec.type(), StepParams.literal(spec.payload()),
                    i == 0 ? List.of() : List.of("step-" + i), List.of(), List.of(), false, spec.priority(),
                    spec.timeoutSeconds(), spec.retry()));
        }
        return new WorkflowDefinition(name, description, steps);
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
        if (raw.size() > MAX_STEPS) {
            throw new ValidationException(list, "must hold at most " + MAX_STEPS + " steps");
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
        try {
            TaskSpec.of(type, priority, params, timeout);
        } catch (ValidationException e) {
            throw e.under(path);
        }
        return new StepDefinition(id, type, params, names(path + ".depends_on", fields.get("depends_on")),
                names(path + ".on_success", fields.get("on_success")),
                names(path + ".on_failure", fields.get("on_failure")), Boolean.TRUE.equals(alwaysRun), priority,
                timeout, retry(path + ".retry", fields.get("retry")));
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
        List<String> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String where = value instanceof List<?> ? path + "[" + i + "]" : path;
            if (!(raw.get(i) instanceof String name)) {
                throw new ValidationException(where, "must be a step id (a string)");
            }
            Names.token(where, name);
            if (out.contains(name)) {
                throw new ValidationException(where, "names '" + name + "' twice");
            }
            out.add(name);
        }
        return out;
    }

    /** The document form: what {@link #parse} reads back to an equal definition. */
    public Map<String, Object> toDocument() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", name);
        if (description != null) {
            doc.put("description", description);
        }
        List<Object> list = new ArrayList<>(steps.size());
        for (StepDefinition s : steps) {
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

    /** The graph checks, reporting paths under the list's own name ({@code steps} or {@code jobs}). */
    private static final class Graph {
        private final List<StepDefinition> steps;
        private final String list;
        private final Map<String, Integer> index = new HashMap<>();
        /** For each step, the steps it points at: its branches and the steps that depend on it. */
        private final Map<String, Set<String>> next = new HashMap<>();
        /** The reverse of {@link #next}. */
        private final Map<String, Set<String>> prev = new HashMap<>();

        Graph(List<StepDefinition> steps, String list) {
            this.steps = steps;
            this.list = list;
            for (int i = 0; i < steps.size(); i++) {
                StepDefinition s = steps.get(i);
                if (index.putIfAbsent(s.id(), i) != null) {
                    throw new ValidationException(path(i) + ".id", "'" + s.id() + "' is the id of an earlier step too");
                }
                next.put(s.id(), new LinkedHashSet<>());
                prev.put(s.id(), new LinkedHashSet<>());
            }
        }

        /** Adds the edges; every name must be known. */
        Graph link() {
            for (StepDefinition s : steps) {
                for (String d : s.dependsOn()) {
                    edge(d, s.id());
                }
                s.onSuccess().forEach(t -> edge(s.id(), t));
                s.onFailure().forEach(t -> edge(s.id(), t));
            }
            return this;
        }

        private void edge(String from, String to) {
            next.get(from).add(to);
            prev.get(to).add(from);
        }

        private String path(int i) {
            return list + "[" + i + "]";
        }

        void validate() {
            for (int i = 0; i < steps.size(); i++) {
                StepDefinition s = steps.get(i);
                known(i, "depends_on", s.dependsOn());
                known(i, "on_success", s.onSuccess());
                known(i, "on_failure", s.onFailure());
            }
            link();
            noCycle();
            everyStepCanRun();
            referencesRunEarlier();
        }

        private void known(int i, String field, List<String> names) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(k);
                String where = path(i) + "." + field + (names.size() > 1 ? "[" + k + "]" : "");
                if (!index.containsKey(name)) {
                    throw new ValidationException(where, "names no step '" + name + "'");
                }
                if (name.equals(steps.get(i).id())) {
                    throw new ValidationException(where, "a step cannot name itself");
                }
            }
        }

        /** Depth-first: a step met again while still on the path closes a cycle. */
        private void noCycle() {
            Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
            for (StepDefinition s : steps) {
                Deque<String> path = new ArrayDeque<>();
                visit(s.id(), state, path);
            }
        }

        private void visit(String id, Map<String, Integer> state, Deque<String> path) {
            Integer seen = state.get(id);
            if (seen != null && seen == 2) {
                return;
            }
            path.addLast(id);
            if (seen != null) {
                List<String> cycle = new ArrayList<>(path);
                cycle = cycle.subList(cycle.indexOf(id), cycle.size());
                String from = cycle.get(cycle.size() - 2);
                throw new ValidationException(path(index.get(from)), "forms a cycle: " + String.join(" -> ", cycle));
            }
            state.put(id, 1);
            for (String n : next.get(id)) {
                visit(n, state, path);
            }
            state.put(id, 2);
            path.removeLast();
        }

        Set<String> descendants(String id) {
            return reach(id, next);
        }

        private Set<String> ancestors(String id) {
            return reach(id, prev);
        }

        private static Set<String> reach(String id, Map<String, Set<String>> edges) {
            Set<String> out = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(edges.getOrDefault(id, Set.of()));
            while (!todo.isEmpty()) {
                String n = todo.pop();
                if (out.add(n)) {
                    todo.addAll(edges.get(n));
                }
            }
            return out;
        }

        /**
         * Every step must be able to run in some outcome. A step's requirements are the outcomes of other steps
         * it cannot run without: each {@code depends_on} must complete (and meet its own requirements), and a
         * step started by exactly one branch needs that branch's outcome from its source (and the source's
         * requirements). A step whose requirements ask one step both to complete and to fail can never run;
         * neither can one that depends on such a step. {@code always_run} steps require nothing.
         */
        private void everyStepCanRun() {
            Map<String, Map<String, Boolean>> required = new HashMap<>();
            Map<String, String> never = new HashMap<>();
            for (String id : topological()) {
                StepDefinition s = steps.get(index.get(id));
                Map<String, Boolean> needs = new HashMap<>();
                if (!s.alwaysRun()) {
                    for (String d : s.dependsOn()) {
                        if (never.containsKey(d)) {
                            never.put(id, "it depends on '" + d + "', which can never run");
                            break;
                        }
                        String conflict = require(needs, d, true, required.get(d));
                        if (conflict != null) {
                            never.put(id, conflict);
                            break;
                        }
                    }
                    List<String[]> branches = new ArrayList<>();
                    for (StepDefinition source : steps) {
                        if (source.onSuccess().contains(id) && !never.containsKey(source.id())) {
                            branches.add(new String[]{ source.id(), "complete" });
                        }
                        if (source.onFailure().contains(id) && !never.containsKey(source.id())) {
                            branches.add(new String[]{ source.id(), "fail" });
                        }
                    }
                    boolean isTarget = isTarget(id);
                    if (isTarget && branches.isEmpty() && !never.containsKey(id)) {
                        never.put(id, "every step that names it as a branch can never run");
                    }
                    if (branches.size() == 1 && !never.containsKey(id)) {
                        String[] only = branches.getFirst();
                        String conflict = require(needs, only[0], only[1].equals("complete"), required.get(only[0]));
                        if (conflict != null) {
                            never.put(id, conflict + " (it is started only by '" + only[0] + "' to " + only[1]
                                    + ")");
                        }
                    }
                }
                required.put(id, needs);
            }
            for (int i = 0; i < steps.size(); i++) {
                String reason = never.get(steps.get(i).id());
                if (reason != null) {
                    throw new ValidationException(path(i), "can never run: " + reason);
                }
            }
        }

        /** Adds "{@code step} must complete (or fail)" and the step's own requirements; the conflict, if any. */
        private static String require(Map<String, Boolean> needs, String step, boolean complete,
                Map<String, Boolean> itsNeeds) {
            Map<String, Boolean> add = new LinkedHashMap<>();
            if (itsNeeds != null) {
                add.putAll(itsNeeds);
            }
            add.put(step, complete);
            for (Map.Entry<String, Boolean> e : add.entrySet()) {
                Boolean before = needs.putIfAbsent(e.getKey(), e.getValue());
                if (before != null && !before.equals(e.getValue())) {
                    return "it needs '" + e.getKey() + "' both to complete and to fail";
                }
            }
            return null;
        }

        /** The step ids, each after every step with an edge to it (the graph has no cycle by now). */
        private List<String> topological() {
            Map<String, Integer> incoming = new HashMap<>();
            prev.forEach((id, from) -> incoming.put(id, from.size()));
            Deque<String> ready = new ArrayDeque<>();
            for (StepDefinition s : steps) {
                if (incoming.get(s.id()) == 0) {
                    ready.add(s.id());
                }
            }
            List<String> out = new ArrayList<>(steps.size());
            while (!ready.isEmpty()) {
                String id = ready.poll();
                out.add(id);
                for (String n : next.get(id)) {
                    if (incoming.merge(n, -1, Integer::sum) == 0) {
                        ready.add(n);
                    }
                }
            }
            return out;
        }

        /** Each {@code ${steps.x.…}} in a step's params must name a step that comes before it. */
        private void referencesRunEarlier() {
            for (int i = 0; i < steps.size(); i++) {
                StepDefinition s = steps.get(i);
                Set<String> before = ancestors(s.id());
                if (s.alwaysRun() && s.dependsOn().isEmpty() && !isTarget(s.id())) {
                    Set<String> after = descendants(s.id());
                    for (StepDefinition o : steps) {
                        if (!o.alwaysRun() && !after.contains(o.id())) {
                            before.add(o.id());
                            before.addAll(ancestors(o.id()));
                        }
                    }
                }
                for (StepParams.Reference ref : StepParams.references(path(i) + ".params", s.params())) {
                    if (ref.step() == null) {
                        continue;
                    }
                    if (!index.containsKey(ref.step())) {
                        throw new ValidationException(ref.path(), "refers to '" + ref.text() + "', but there is no "
                                + "step '" + ref.step() + "'");
                    }
                    if (!before.contains(ref.step())) {
                        throw new ValidationException(ref.path(), "refers to '" + ref.text() + "', but step '"
                                + ref.step() + "' does not run before '" + s.id() + "'");
                    }
                }
            }
        }

        private boolean isTarget(String id) {
            for (StepDefinition s : steps) {
                if (s.onSuccess().contains(id) || s.onFailure().contains(id)) {
                    return true;
                }
            }
            return false;
        }
    }
}
