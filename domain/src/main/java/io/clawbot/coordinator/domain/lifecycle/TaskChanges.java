package io.clawbot.coordinator.domain.lifecycle;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowAdvance;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one lifecycle step changes, written together or not at all: the tasks (each conditional on the
 * version it was read at), their history entries, the bots whose status follows, and the workflow whose
 * state follows.
 *
 * <p>
 * What follows for a workflow from a change of one of its steps cannot be decided from steps read before the
 * write: two steps that end at once would each see the other still open, and neither would end the workflow.
 * So such a change carries a {@link Follow}: the store takes the workflow's lock in the transaction that writes
 * the change, reads its steps as committed (with this change's own tasks in place), lets the rule add what
 * follows, and writes it all together. Changes of one workflow's steps are so decided one after another.
 *
 * @param follow what follows for a workflow, decided holding it; {@code null} when the change is in no workflow
 */
public record TaskChanges(List<Versioned<Task>> tasks, List<TaskTransitioned> events, List<Versioned<Bot>> bots,
        List<Versioned<Workflow>> workflows, Follow follow) {

    /**
     * A new state and the version of the state it was computed from.
     *
     * @param previous the state it was computed from, for those told of the change once it is written (metrics)
     */
    public record Versioned<T>(T next, long expectedVersion, T previous) {

        /** A new state computed from one at {@code expectedVersion} that the change does not keep. */
        public Versioned(T next, long expectedVersion) {
            this(next, expectedVersion, null);
        }

        /** Equal when the new state and the version are: the previous state is along for the ride. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Versioned<?> v && expectedVersion == v.expectedVersion
                    && java.util.Objects.equals(next, v.next);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(next, expectedVersion);
        }
    }

    /** Decides what follows for a workflow from its steps; pure, and may run more than once. */
    @FunctionalInterface
    public interface WorkflowRule {

        /**
         * @param workflow the workflow as committed, read under its lock
         * @param steps its steps as committed, with the change's own new states in their place, in their order
         */
        WorkflowAdvance follow(Workflow workflow, List<Task> steps);
    }

    /** A workflow to lock, and the rule that decides what follows for it. */
    public record Follow(WorkflowId workflowId, WorkflowRule rule) {
    }

    public TaskChanges {
        tasks = List.copyOf(tasks);
        events = List.copyOf(events);
        bots = List.copyOf(bots);
        workflows = List.copyOf(workflows);
    }

    public boolean isEmpty() {
        return tasks.isEmpty() && bots.isEmpty() && workflows.isEmpty() && follow == null;
    }

    /** Whether a task these changes write becomes pending: work for a bot may be available. */
    public boolean madePending() {
        return tasks.stream().anyMatch(v -> v.next().status() == TaskStatus.PENDING);
    }

    /** These changes and {@code more}, which a {@link Follow} added: one step, with no follow left to decide. */
    public TaskChanges plus(TaskChanges more) {
        List<Versioned<Task>> allTasks = new ArrayList<>(tasks);
        allTasks.addAll(more.tasks);
        List<TaskTransitioned> allEvents = new ArrayList<>(events);
        allEvents.addAll(more.events);
        List<Versioned<Bot>> allBots = new ArrayList<>(bots);
        allBots.addAll(more.bots);
        List<Versioned<Workflow>> allWorkflows = new ArrayList<>(workflows);
        allWorkflows.addAll(more.workflows);
        return new TaskChanges(allTasks, allEvents, allBots, allWorkflows, more.follow);
    }

    /** The new states of the tasks that {@code steps} hold, put in their place. */
    public List<Task> inPlace(List<Task> steps) {
        List<Task> out = new ArrayList<>(steps.size());
        for (Task step : steps) {
            Task changed = step;
            for (Versioned<Task> v : tasks) {
                if (v.next().id().equals(step.id())) {
                    changed = v.next();
                }
            }
            out.add(changed);
        }
        return out;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the changes of one step. */
    public static final class Builder {
        private final List<Versioned<Task>> tasks = new ArrayList<>();
        private final List<TaskTransitioned> events = new ArrayList<>();
        private final List<Versioned<Bot>> bots = new ArrayList<>();
        private final List<Versioned<Workflow>> workflows = new ArrayList<>();
        private Follow follow;

        /** A task moving from {@code before} to {@code after}, recorded in its history. */
        public Builder task(Task before, Task after, Actor actor, String reason) {
            tasks.add(new Versioned<>(after, before.version(), before));
            events.add(TaskTransitioned.between(before, after, actor, reason));
            return this;
        }

        public Builder bot(Bot before, Bot after) {
            if (!before.equals(after)) {
                bots.add(new Versioned<>(after, before.version(), before));
            }
            return this;
        }

        /**
         * The workflow's new state, written even when it equals {@code before}: its version moves with every change
         * of its steps, so that a change computed from an older reading of them fails instead of overwriting.
         */
        public Builder workflow(Workflow before, Workflow after) {
            workflows.add(new Versioned<>(after, before.version(), before));
            return this;
        }

        /** The steps' transitions and the workflow's new state that {@code advance} decided. */
        public Builder advance(WorkflowAdvance advance) {
            for (WorkflowAdvance.StepMove move : advance.steps()) {
                task(move.before(), move.after(), move.actor(), move.reason());
            }
            return workflow(advance.before(), advance.after());
        }

        /** What follows for the workflow, to be decided holding it (see {@link TaskChanges}). */
        public Builder follow(WorkflowId workflowId, WorkflowRule rule) {
            follow = new Follow(workflowId, rule);
            return this;
        }

        public TaskChanges build() {
            return new TaskChanges(tasks, events, bots, workflows, follow);
        }
    }
}
