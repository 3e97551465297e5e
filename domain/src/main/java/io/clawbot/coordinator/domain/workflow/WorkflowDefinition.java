package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A workflow as a graph of steps, checked on construction ({@link StepGraph}): every name a step refers to exists,
 * the graph has no cycle, every step can run in some outcome, and every reference in the params names something
 * that runs before the step. Errors are {@code ValidationException}s whose field is the path of the fault, such as
 * {@code steps[2].on_success}. Its document form (YAML, JSON) is read and written by {@link WorkflowDocument}.
 *
 * <p>
 * How it runs ({@link DagPlan}): a step without {@code depends_on} and not named by another step's
 * {@code on_success} / {@code on_failure} starts with the workflow. A step runs when all of its
 * {@code depends_on} completed and, if other steps name it as a branch, one of those branches was taken. An
 * {@code always_run} step runs once every step it waits for has ended, whatever the outcome; one that waits for
 * nothing named waits for every step that is not {@code always_run} and does not come after it.
 *
 * <p>
 * The graph is worked out once, when the definition is made; equality is by name, description and steps.
 */
public final class WorkflowDefinition {

    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_DESCRIPTION_LENGTH = 2000;
    public static final int MAX_STEPS = 1000;

    private final String name;
    private final String description;
    private final List<StepDefinition> steps;
    private final StepGraph graph;

    /**
     * @param steps in the order given; their positions are their indexes
     * @throws io.clawbot.coordinator.domain.common.ValidationException naming the path of the first fault
     */
    public WorkflowDefinition(String name, String description, List<StepDefinition> steps) {
        this.name = Names.required("name", name, MAX_NAME_LENGTH);
        this.description = Names.optional("description", description, MAX_DESCRIPTION_LENGTH);
        this.steps = List.copyOf(steps);
        this.graph = StepGraph.of(this.steps);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public List<StepDefinition> steps() {
        return steps;
    }

    /** The step with this id, or {@code null}. */
    public StepDefinition step(String id) {
        int at = graph.position(id);
        return at < 0 ? null : steps.get(at);
    }

    /** The position of the step with this id, or -1. */
    public int position(String id) {
        return graph.position(id);
    }

    /** The steps that name {@code id} in their {@code on_success} ({@code success}) or {@code on_failure}. */
    public List<StepDefinition> branchSources(String id, boolean success) {
        return graph.branchSources(id, success);
    }

    /** Whether some step names {@code id} as a branch. */
    public boolean isBranchTarget(String id) {
        return !branchSources(id, true).isEmpty() || !branchSources(id, false).isEmpty();
    }

    /** The steps an {@code always_run} step waits for: those it names, or else all it does not precede. */
    public Set<String> awaited(StepDefinition step) {
        return graph.awaited(step);
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

    @Override
    public boolean equals(Object other) {
        return other instanceof WorkflowDefinition d && name.equals(d.name)
                && Objects.equals(description, d.description) && steps.equals(d.steps);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, description, steps);
    }

    @Override
    public String toString() {
        return "WorkflowDefinition[name=" + name + ", steps=" + steps.size() + "]";
    }
}
