package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workflow's steps as a graph, checked once when the definition is made, and what a run asks of it worked out
 * once: each step's place, the steps that name it as a branch, and the steps an {@code always_run} step waits for.
 * The checks name the fault by its path under {@code steps}: every name a step refers to exists, the graph has no
 * cycle, every step can run in some outcome, and every reference in the params names a step that runs before.
 * What each step comes after and before is worked out once, as bit sets in topological order, so the checks cost
 * about steps x edges / 64 rather than growing with the cube of the steps.
 */
final class StepGraph {
    private static final String LIST = "steps";
    /** The most {@code depends_on}, {@code on_success} and {@code on_failure} entries of all steps together. */
    static final int MAX_EDGES = 20_000;

    private final List<StepDefinition> steps;
    private final Map<String, Integer> index = new HashMap<>();
    /** For each step, the steps it points at: its branches and the steps that depend on it. */
    private final Map<String, Set<String>> next = new HashMap<>();
    /** The reverse of {@link #next}. */
    private final Map<String, Set<String>> prev = new HashMap<>();

    /** Steps that name each step in their {@code on_success}, and in their {@code on_failure}. */
    private final Map<String, List<StepDefinition>> onSuccessSources = new HashMap<>();
    private final Map<String, List<StepDefinition>> onFailureSources = new HashMap<>();
    /** What each {@code always_run} step waits for. */
    private final Map<String, Set<String>> awaited = new HashMap<>();
    /** By position: the steps that must come before each step, and those that come after it. */
    private BitSet[] before;
    private BitSet[] after;

    /**
     * The graph of {@code steps}, checked.
     *
     * @throws ValidationException naming the path of the first fault
     */
    static StepGraph of(List<StepDefinition> steps) {
        StepGraph graph = new StepGraph(steps);
        graph.validate();
        graph.precompute();
        return graph;
    }

    private StepGraph(List<StepDefinition> steps) {
        this.steps = steps;
        for (int i = 0; i < steps.size(); i++) {
            StepDefinition s = steps.get(i);
            if (index.putIfAbsent(s.id(), i) != null) {
                throw new ValidationException(path(i) + ".id", "'" + s.id() + "' is the id of an earlier step too");
            }
            next.put(s.id(), new LinkedHashSet<>());
            prev.put(s.id(), new LinkedHashSet<>());
        }
        long edges = steps.stream()
                .mapToLong(st -> st.dependsOn().size() + st.onSuccess().size() + st.onFailure().size()).sum();
        if (edges > MAX_EDGES) {
            throw new ValidationException(LIST, "name " + edges + " other steps in depends_on, on_success and "
                    + "on_failure together; the limit is " + MAX_EDGES);
        }
    }

    /** Adds the edges; every name must be known. */
    private void link() {
        for (StepDefinition s : steps) {
            for (String d : s.dependsOn()) {
                edge(d, s.id());
            }
            s.onSuccess().forEach(t -> edge(s.id(), t));
            s.onFailure().forEach(t -> edge(s.id(), t));
            for (String target : s.onSuccess()) {
                onSuccessSources.computeIfAbsent(target, k -> new ArrayList<>()).add(s);
            }
            for (String target : s.onFailure()) {
                onFailureSources.computeIfAbsent(target, k -> new ArrayList<>()).add(s);
            }
        }
    }

    private void edge(String from, String to) {
        next.get(from).add(to);
        prev.get(to).add(from);
    }

    private String path(int i) {
        return LIST + "[" + i + "]";
    }

    private void validate() {
        for (int i = 0; i < steps.size(); i++) {
            StepDefinition s = steps.get(i);
            known(i, "depends_on", s.dependsOn());
            known(i, "on_success", s.onSuccess());
            known(i, "on_failure", s.onFailure());
        }
        link();
        noCycle();
        order();
        everyStepCanRun();
        referencesRunEarlier();
    }

    private void known(int i, String field, List<String> names) {
        for (int k = 0; k < names.size(); k++) {
            String name = names.get(k);
            if (!index.containsKey(name)) {
                throw new ValidationException(where(i, field, names, k), "names no step '" + name + "'");
            }
            if (name.equals(steps.get(i).id())) {
                throw new ValidationException(where(i, field, names, k), "a step cannot name itself");
            }
        }
    }

    private String where(int i, String field, List<String> names, int k) {
        return path(i) + "." + field + (names.size() > 1 ? "[" + k + "]" : "");
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

    /** Works out {@link #before} and {@link #after} in one pass each over the steps in topological order. */
    private void order() {
        List<String> order = topological();
        int n = steps.size();
        before = new BitSet[n];
        after = new BitSet[n];
        for (String id : order) {
            BitSet b = new BitSet(n);
            for (String p : prev.get(id)) {
                int at = index.get(p);
                b.or(before[at]);
                b.set(at);
            }
            before[index.get(id)] = b;
        }
        for (int k = order.size() - 1; k >= 0; k--) {
            String id = order.get(k);
            BitSet a = new BitSet(n);
            for (String x : next.get(id)) {
                int at = index.get(x);
                a.or(after[at]);
                a.set(at);
            }
            after[index.get(id)] = a;
        }
    }

    /**
     * Every step must be able to run in some outcome. A step's requirements are the outcomes of other steps
     * it cannot run without: each {@code depends_on} must complete (and meet its own requirements), and a
     * step started by exactly one branch needs that branch's outcome from its source (and the source's
     * requirements). A step whose requirements ask one step both to complete and to fail can never run;
     * neither can one that depends on such a step. {@code always_run} steps require nothing.
     */
    private void everyStepCanRun() {
        int n = steps.size();
        // By position: the steps a step needs to complete, and those it needs to fail.
        BitSet[] complete = new BitSet[n];
        BitSet[] fail = new BitSet[n];
        Map<String, String> never = new HashMap<>();
        for (String id : topological()) {
            int at = index.get(id);
            StepDefinition s = steps.get(at);
            BitSet mustComplete = new BitSet(n);
            BitSet mustFail = new BitSet(n);
            if (!s.alwaysRun()) {
                for (String d : s.dependsOn()) {
                    if (never.containsKey(d)) {
                        never.put(id, "it depends on '" + d + "', which can never run");
                        break;
                    }
                    int dep = index.get(d);
                    String conflict = require(mustComplete, mustFail, dep, true, complete[dep], fail[dep]);
                    if (conflict != null) {
                        never.put(id, conflict);
                        break;
                    }
                }
                List<String[]> branches = new ArrayList<>();
                for (StepDefinition source : branchSources(id, true)) {
                    if (!never.containsKey(source.id())) {
                        branches.add(new String[]{ source.id(), "complete" });
                    }
                }
                for (StepDefinition source : branchSources(id, false)) {
                    if (!never.containsKey(source.id())) {
                        branches.add(new String[]{ source.id(), "fail" });
                    }
                }
                if (isTarget(id) && branches.isEmpty() && !never.containsKey(id)) {
                    never.put(id, "every step that names it as a branch can never run");
                }
                if (branches.size() == 1 && !never.containsKey(id)) {
                    String[] only = branches.getFirst();
                    int source = index.get(only[0]);
                    String conflict = require(mustComplete, mustFail, source, only[1].equals("complete"),
                            complete[source], fail[source]);
                    if (conflict != null) {
                        never.put(id, conflict + " (it is started only by '" + only[0] + "' to " + only[1]
                                + ")");
                    }
                }
            }
            complete[at] = mustComplete;
            fail[at] = mustFail;
        }
        for (int i = 0; i < steps.size(); i++) {
            String reason = never.get(steps.get(i).id());
            if (reason != null) {
                throw new ValidationException(path(i), "can never run: " + reason);
            }
        }
    }

    /**
     * Adds "{@code step} must complete (or fail)" and the step's own requirements ({@code itsComplete},
     * {@code itsFail}); the conflict, if any.
     */
    private String require(BitSet mustComplete, BitSet mustFail, int step, boolean complete, BitSet itsComplete,
            BitSet itsFail) {
        if (itsComplete != null) {
            mustComplete.or(itsComplete);
            mustFail.or(itsFail);
        }
        (complete ? mustComplete : mustFail).set(step);
        BitSet both = (BitSet) mustComplete.clone();
        both.and(mustFail);
        int first = both.nextSetBit(0);
        return first < 0 ? null : "it needs '" + steps.get(first).id() + "' both to complete and to fail";
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
            List<StepParams.Reference> refs = StepParams.references(path(i) + ".params", s.params());
            if (refs.stream().allMatch(ref -> ref.step() == null)) {
                continue;
            }
            BitSet earlier = (BitSet) before[i].clone();
            if (s.alwaysRun() && s.dependsOn().isEmpty() && !isTarget(s.id())) {
                for (int o = 0; o < steps.size(); o++) {
                    if (o != i && !steps.get(o).alwaysRun() && !after[i].get(o)) {
                        earlier.set(o);
                        earlier.or(before[o]);
                    }
                }
            }
            for (StepParams.Reference ref : refs) {
                if (ref.step() == null) {
                    continue;
                }
                if (!index.containsKey(ref.step())) {
                    throw new ValidationException(ref.path(), "refers to '" + ref.text() + "', but there is no "
                            + "step '" + ref.step() + "'");
                }
                if (!earlier.get(index.get(ref.step()))) {
                    throw new ValidationException(ref.path(), "refers to '" + ref.text() + "', but step '"
                            + ref.step() + "' does not run before '" + s.id() + "'");
                }
            }
        }
    }

    private boolean isTarget(String id) {
        return onSuccessSources.containsKey(id) || onFailureSources.containsKey(id);
    }

    private void precompute() {
        for (StepDefinition s : steps) {
            if (s.alwaysRun()) {
                awaited.put(s.id(), Collections.unmodifiableSet(computeAwaited(s)));
            }
        }
    }

    /** The steps an {@code always_run} step waits for: those it names, or else all it does not precede. */
    private Set<String> computeAwaited(StepDefinition step) {
        Set<String> named = new LinkedHashSet<>(step.dependsOn());
        branchSources(step.id(), true).forEach(s -> named.add(s.id()));
        branchSources(step.id(), false).forEach(s -> named.add(s.id()));
        if (!named.isEmpty()) {
            return named;
        }
        BitSet later = after[index.get(step.id())];
        Set<String> all = new LinkedHashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            StepDefinition s = steps.get(i);
            if (!s.alwaysRun() && !later.get(i) && !s.id().equals(step.id())) {
                all.add(s.id());
            }
        }
        return all;
    }

    /** The position of the step with this id, or -1. */
    int position(String id) {
        Integer at = index.get(id);
        return at == null ? -1 : at;
    }

    /** The steps that name {@code id} in their {@code on_success} ({@code success}) or {@code on_failure}. */
    List<StepDefinition> branchSources(String id, boolean success) {
        return (success ? onSuccessSources : onFailureSources).getOrDefault(id, List.of());
    }

    /** What {@code step} waits for before it runs when it is {@code always_run}; its named steps otherwise. */
    Set<String> awaited(StepDefinition step) {
        Set<String> known = awaited.get(step.id());
        if (known != null) {
            return known;
        }
        Set<String> named = new LinkedHashSet<>(step.dependsOn());
        branchSources(step.id(), true).forEach(s -> named.add(s.id()));
        branchSources(step.id(), false).forEach(s -> named.add(s.id()));
        return named;
    }
}
