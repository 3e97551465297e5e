package io.clawbot.coordinator.domain.insight.port;

import static io.clawbot.coordinator.domain.testing.Tasks.aTask;
import static io.clawbot.coordinator.domain.testing.Times.T0;
import static io.clawbot.coordinator.domain.testing.Times.T1;
import static io.clawbot.coordinator.domain.testing.Times.T2;
import static io.clawbot.coordinator.domain.testing.Transitions.changed;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.testing.Bots;
import io.clawbot.coordinator.domain.testing.Ids;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkMetricsTest {

    /** What a listener was told. */
    private static final class Told implements WorkMetrics {
        final List<String> lines = new ArrayList<>();

        @Override
        public void moved(Task before, Task task, TaskTransitioned event) {
            lines.add(task.id() + " " + (before == null ? "-" : before.status().wire()) + ">" + task.status().wire()
                    + " " + event.cause());
        }

        @Override
        public void workflowEnded(Workflow workflow) {
            lines.add("ended " + workflow.status().wire());
        }
    }

    private final Bot bot = Bots.aBot().withCapabilities("render").online(T0).version(4).build();

    private static Workflow workflow() {
        return Workflow.create(Ids.workflowId(), WorkflowDefinition.linear("wf", null,
                List.of(new TaskSpec(null, 0, Map.of(), 60))), Map.of(), Map.of(), List.of(), true, T0);
    }

    @Test
    void each_written_transition_is_told_once_with_the_state_it_came_from() {
        Task first = aTask().build();
        Task second = aTask().build();
        Task assigned = changed(first.assign(bot, T1));
        Task started = changed(assigned.start(new Fence(1, bot.id()), T2));
        TaskChanges written = TaskChanges.builder().task(first, assigned, Actor.system(), "assigned")
                .task(second, changed(second.assign(bot, T1)), Actor.system(), "assigned").build()
                .plus(TaskChanges.builder().task(assigned, started, Actor.system(), "started").build());
        Told told = new Told();

        WorkMetrics.written(told, written);

        assertThat(told.lines).containsExactly(first.id() + " pending>assigned assigned",
                second.id() + " pending>assigned assigned", first.id() + " assigned>in_progress started");
    }

    @Test
    void a_workflow_is_told_ended_when_it_reaches_a_terminal_status_and_not_when_it_is_written_again() {
        Workflow open = workflow();
        Workflow done = open.withStatus(WorkflowStatus.COMPLETED, T1);
        Told told = new Told();

        WorkMetrics.written(told, TaskChanges.builder().workflow(open, open).build());
        WorkMetrics.written(told, TaskChanges.builder().workflow(open, done).build());
        WorkMetrics.written(told, TaskChanges.builder().workflow(done, done).build());

        assertThat(told.lines).containsExactly("ended completed");
    }
}
