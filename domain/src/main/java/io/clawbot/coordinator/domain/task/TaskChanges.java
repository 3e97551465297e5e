package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one lifecycle step changes, written together or not at all: the tasks (each conditional on the
 * version it was read at), their history entries, the bots whose status follows, and the workflow whose
 * state follows.
 */
public record TaskChanges(List<Versioned<Task>> tasks, List<TaskTransitioned> events, List<Versioned<Bot>> bots,
        List<Versioned<Workflow>> workflows) {

    /** A new state and the version of the state it was computed from. */
    public record Versioned<T>(T next, long expectedVersion) {
    }

    public TaskChanges {
        tasks = List.copyOf(tasks);
        events = List.copyOf(events);
        bots = List.copyOf(bots);
        workflows = List.copyOf(workflows);
    }

    public boolean isEmpty() {
        return tasks.isEmpty() && bots.isEmpty() && workflows.isEmpty();
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

        /** A task moving from {@code before} to {@code after}, recorded in its history. */
        public Builder task(Task before, Task after, Actor actor, String reason) {
            tasks.add(new Versioned<>(after, before.version()));
            events.add(TaskTransitioned.between(before, after, actor, reason));
            return this;
        }

        public Builder bot(Bot before, Bot after) {
            if (!before.equals(after)) {
                bots.add(new Versioned<>(after, before.version()));
            }
            return this;
        }

        public Builder workflow(Workflow before, Workflow after) {
            if (!before.equals(after)) {
                workflows.add(new Versioned<>(after, before.version()));
            }
            return this;
        }

        public TaskChanges build() {
            return new TaskChanges(tasks, events, bots, workflows);
        }
    }
}
