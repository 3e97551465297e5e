package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.workflow.WorkflowAdvance.StepMove;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of a workflow run over its {@link WorkflowDefinition}: which waiting steps become pending (their
 * params resolved) or skipped after a step changed, and the workflow's status. Pure: it reads the steps as given
 * and answers with a {@link WorkflowAdvance}, which the caller writes together with the step's own transition.
 *
 * <p>
 * A waiting step that is not {@code always_run} becomes pending when all its {@code depends_on} completed and,
 * if other steps name it as a branch, one of them took that branch (completed for {@code on_success}, failed or
 * timed out for {@code on_failure}). It is skipped when that can no longer happen: a {@code depends_on} ended
 * otherwise than completed, or every step naming it ended without taking the branch. An {@code always_run} step
 * becomes pending once every step it waits for ({@link WorkflowDefinition#awaited}) has ended.
 *
 * <p>
 * Status: {@code pending} until a step is taken by a bot or ends; then {@code in_progress} while any step is
 * open; once all have ended, {@code failed} if a step failed or timed out without an {@code on_failure} branch
 * (a failure with a branch is handled: the branch's own outcome counts), else {@code cancelled} if a step was
 * cancelled, else {@code completed}.
 */
public final class DagPlan {

    private DagPlan() {
    }

    /** The definition of a workflow; one stored before definitions existed is its steps in order. */
    public static WorkflowDefinition definition(Workflow workflow, List<Task> steps) {
        if (workflow.definition() != null) {
            return workflow.definition();
        }
        List<Task> ordered = steps.stream().sorted(Comparator.comparing(Task::workflowPosition)).toList();
        return WorkflowDefinition.linear(workflow.name(), workflow.description(), ordered.stream()
                .map(t -> new io.clawbot.coordinator.domain.task.TaskSpec(t.type(), t.priority(), t.payload(),
                        t.timeoutSeconds()))
                .toList());
    }

    /**
     * What follows from {@code changed}, the new state of one of the workflow's steps: steps that become pending
     * or skipped, and the workflow's status.
     *
     * @param steps the workflow's steps; {@code changed} takes the place of its earlier state
     */
    public static WorkflowAdvance advance(Workflow workflow, List<Task> steps, Task changed, Instant now) {
        return advance(workflow, steps, changed, now, Conditions.NONE);
    }

    /** {@link #advance}, with the language the steps' {@code when} conditions are evaluated in. */
    public static WorkflowAdvance advance(Workflow workflow, List<Task> steps, Task changed, Instant now,
            Conditions conditions) {
        return reconcile(workflow, replace(steps, changed), now, conditions);
    }

    /**
     * What follows from the steps as they are: waiting steps whose turn has come become pending, those the run can
     * no longer reach are skipped, and the workflow takes the status its steps give. Nothing moves when all of that
     * already holds.
     *
     * @param steps the workflow's steps as stored
     */
    public static WorkflowAdvance reconcile(Workflow workflow, List<Task> steps, Instant now) {
        return reconcile(workflow, steps, now, Conditions.NONE);
    }

    /** {@link #reconcile}, with the language the steps' {@code when} conditions are evaluated in. */
    public static WorkflowAdvance reconcile(Workflow workflow, List<Task> steps, Instant now, Conditions conditions) {
        List<Task> current = new ArrayList<>(steps);
        current.sort(Comparator.comparing(Task::workflowPosition));
        WorkflowDefinition definition = definition(workflow, current);
        List<StepMove> moves = workflow.isStarted()
                ? settle(definition, workflow.input(), current, now, conditions)
                : List.of();
        return new WorkflowAdvance(moves, workflow, workflow.withStatus(status(definition, current), now));
    }

    /** Starts a workflow: its first steps become pending. */
    public static WorkflowAdvance start(Workflow before, Workflow started, List<Task> steps, Instant now) {
        return start(before, started, steps, now, Conditions.NONE);
    }

    /** {@link #start}, with the language the steps' {@code when} conditions are evaluated in. */
    public static WorkflowAdvance start(Workflow before, Workflow started, List<Task> steps, Instant now,
            Conditions conditions) {
        List<Task> current = new ArrayList<>(steps);
        WorkflowDefinition definition = definition(started, current);
        List<StepMove> moves = settle(definition, started.input(), current, now, conditions);
        return new WorkflowAdvance(moves, before, started.withStatus(status(definition, current), now));
    }

    /**
     * The steps of a new workflow as they start: the first ones pending with their params resolved (when
     * {@code started}), the rest waiting.
     */
    public static List<Task> initial(WorkflowDefinition definition, Map<String, Object> input, List<Task> waiting,
            boolean started, Instant now) {
        return initial(definition, input, waiting, started, now, Conditions.NONE);
    }

    /** {@link #initial}, with the language the steps' {@code when} conditions are evaluated in. */
    public static List<Task> initial(WorkflowDefinition definition, Map<String, Object> input, List<Task> waiting,
            boolean started, Instant now, Conditions conditions) {
        List<Task> current = new ArrayList<>(waiting);
        if (started) {
            settle(definition, input, current, now, conditions);
        }
        return current;
    }

    /** Cancels every open step of a workflow and the workflow itself; the steps a bot held are among them. */
    public static WorkflowAdvance cancel(Workflow workflow, List<Task> steps, String reason, Instant now) {
        List<StepMove> moves = new ArrayList<>();
        for (Task step : steps) {
            if (step.cancel(reason, now) instanceof Transition.Changed<Task> c) {
                moves.add(new StepMove(step, c.next(), Actor.api(), reason));
            }
        }
        return new WorkflowAdvance(moves, workflow, workflow.withStatus(WorkflowStatus.CANCELLED, now));
    }

    /** The workflow's status from its steps' (see the class comment). */
    public static WorkflowStatus status(WorkflowDefinition definition, List<Task> steps) {
        boolean open = false;
        boolean moved = false;
        boolean unhandledFailure = false;
        boolean cancelled = false;
        for (Task step : steps) {
            TaskStatus s = step.status();
            open |= !s.isTerminal();
            // A pending step with an attempt behind it waits for a retry: the workflow has moved.
            moved |= (s != TaskStatus.WAITING && s != TaskStatus.PENDING) || step.attempt() > 0;
            cancelled |= s == TaskStatus.CANCELLED;
            if (s == TaskStatus.FAILED || s == TaskStatus.TIMED_OUT) {
                StepDefinition def = stepOf(definition, step);
                unhandledFailure |= def == null || def.onFailure().isEmpty();
            }
        }
        if (open) {
            return moved ? WorkflowStatus.IN_PROGRESS : WorkflowStatus.PENDING;
        }
        if (unhandledFailure) {
            return WorkflowStatus.FAILED;
        }
        return cancelled ? WorkflowStatus.CANCELLED : WorkflowStatus.COMPLETED;
    }

    /** Moves waiting steps on until nothing more follows; {@code current} is updated in place. */
    private static List<StepMove> settle(WorkflowDefinition definition, Map<String, Object> input,
            List<Task> current, Instant now, Conditions conditions) {
        List<StepMove> moves = new ArrayList<>();
        boolean moved = true;
        while (moved) {
            moved = false;
            Map<String, Task> byStep = byStep(definition, current);
            for (int i = 0; i < current.size(); i++) {
                Task step = current.get(i);
                if (step.status() != TaskStatus.WAITING) {
                    continue;
                }
                StepDefinition def = stepOf(definition, step);
                Decision decision = decide(definition, def, byStep);
                if (decision.kind == Kind.RUN && def.when() != null) {
                    decision = when(def, conditions, input, definition, current, decision);
                }
                Transition<Task> transition = switch (decision.kind) {
                    case WAIT -> null;
                    case RUN -> step.makeReady(now,
                            StepParams.resolve(def.payloadTemplate(), input, results(definition, current)));
                    case SKIP -> decision.code == null
                            ? step.skip(decision.reason, now)
                            : step.skip(decision.reason, decision.code, now);
                };
                if (transition instanceof Transition.Changed<Task> c) {
                    moves.add(new StepMove(step, c.next(), Actor.system(), decision.reason));
                    current.set(i, c.next());
                    moved = true;
                }
            }
        }
        return moves;
    }

    private enum Kind {
        WAIT, RUN, SKIP
    }

    /** The error code of a step skipped because its {@code when} was false. */
    public static final String CONDITION_FALSE = "condition_false";

    private record Decision(Kind kind, String reason, String code) {

        Decision(Kind kind, String reason) {
            this(kind, reason, null);
        }
    }

    /**
     * A step whose turn has come runs when its condition holds, and is skipped when it does not (or cannot be
     * evaluated: a missing field, a wrong type; the reason says which).
     */
    private static Decision when(StepDefinition def, Conditions conditions, Map<String, Object> input,
            WorkflowDefinition definition, List<Task> current, Decision run) {
        Map<String, Object> steps = new HashMap<>();
        for (Task step : current) {
            StepDefinition d = stepOf(definition, step);
            if (d != null) {
                Map<String, Object> view = new HashMap<>();
                view.put("status", step.status().wire());
                view.put("result", step.status() == TaskStatus.COMPLETED ? step.result() : null);
                steps.put(d.id(), view);
            }
        }
        Map<String, Object> variables = new HashMap<>();
        variables.put("input", input == null ? Map.of() : input);
        variables.put("steps", steps);
        Conditions.Outcome outcome = conditions.evaluate(def.when(), variables);
        if (outcome.value()) {
            return new Decision(Kind.RUN, run.reason + "; when: " + def.when());
        }
        return new Decision(Kind.SKIP, outcome.error() == null
                ? "skipped: when is false: " + def.when()
                : "skipped: when cannot be evaluated (" + outcome.error() + "): " + def.when(), CONDITION_FALSE);
    }

    private static Decision decide(WorkflowDefinition definition, StepDefinition def, Map<String, Task> byStep) {
        if (def.alwaysRun()) {
            Set<String> awaited = definition.awaited(def);
            for (String a : awaited) {
                if (!isEnded(byStep.get(a))) {
                    return new Decision(Kind.WAIT, null);
                }
            }
            return new Decision(Kind.RUN, awaited.isEmpty()
                    ? "always_run: nothing to wait for"
                    : "always_run: " + String.join(", ", awaited) + " ended");
        }
        for (String d : def.dependsOn()) {
            Task dep = byStep.get(d);
            if (isEnded(dep) && !satisfies(dep)) {
                return new Decision(Kind.SKIP, "skipped: depends on '" + d + "', which ended " + dep.status().wire());
            }
        }
        boolean depsDone = def.dependsOn().stream().allMatch(d -> satisfies(byStep.get(d)));
        List<StepDefinition> onSuccess = definition.branchSources(def.id(), true);
        List<StepDefinition> onFailure = definition.branchSources(def.id(), false);
        if (onSuccess.isEmpty() && onFailure.isEmpty()) {
            return depsDone
                    ? new Decision(Kind.RUN, def.dependsOn().isEmpty()
                            ? "workflow started"
                            : "dependencies completed: " + String.join(", ", def.dependsOn()))
                    : new Decision(Kind.WAIT, null);
        }
        String taken = null;
        boolean allEnded = true;
        for (StepDefinition source : onSuccess) {
            Task t = byStep.get(source.id());
            allEnded &= isEnded(t);
            if (t.status() == TaskStatus.COMPLETED && taken == null) {
                taken = "'" + source.id() + "' completed (on_success)";
            }
        }
        for (StepDefinition source : onFailure) {
            Task t = byStep.get(source.id());
            allEnded &= isEnded(t);
            if ((t.status() == TaskStatus.FAILED || t.status() == TaskStatus.TIMED_OUT) && taken == null) {
                taken = "'" + source.id() + "' " + t.status().wire() + " (on_failure)";
            }
        }
        if (taken != null) {
            return depsDone ? new Decision(Kind.RUN, "branch taken: " + taken) : new Decision(Kind.WAIT, null);
        }
        return allEnded
                ? new Decision(Kind.SKIP, "skipped: no step took the branch to it")
                : new Decision(Kind.WAIT, null);
    }

    /**
     * A dependency is met by a step that completed, or that was skipped because its own condition was false (a
     * step that has nothing to do is done, as in Argo's DAGs); any other end skips the steps that depend on it.
     */
    private static boolean satisfies(Task dep) {
        return dep.status() == TaskStatus.COMPLETED
                || dep.status() == TaskStatus.SKIPPED && CONDITION_FALSE.equals(dep.errorCode());
    }

    private static boolean isEnded(Task task) {
        return task != null && task.status().isTerminal();
    }

    private static Map<String, Map<String, Object>> results(WorkflowDefinition definition, List<Task> steps) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (Task step : steps) {
            if (step.status() == TaskStatus.COMPLETED && step.result() != null) {
                out.put(definition.steps().get(step.workflowPosition()).id(), step.result());
            }
        }
        return out;
    }

    private static Map<String, Task> byStep(WorkflowDefinition definition, List<Task> steps) {
        Map<String, Task> out = new HashMap<>();
        for (Task step : steps) {
            StepDefinition def = stepOf(definition, step);
            if (def != null) {
                out.put(def.id(), step);
            }
        }
        return out;
    }

    private static StepDefinition stepOf(WorkflowDefinition definition, Task step) {
        Integer position = step.workflowPosition();
        return position == null || position >= definition.steps().size() ? null : definition.steps().get(position);
    }

    private static List<Task> replace(List<Task> steps, Task changed) {
        List<Task> current = new ArrayList<>(steps.size());
        for (Task step : steps) {
            current.add(step.id().equals(changed.id()) ? changed : step);
        }
        current.sort(Comparator.comparing(Task::workflowPosition));
        return current;
    }
}
