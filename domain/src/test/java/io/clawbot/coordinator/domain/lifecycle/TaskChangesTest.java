package io.clawbot.coordinator.domain.lifecycle;

import static io.clawbot.coordinator.domain.testing.Tasks.aTask;
import static io.clawbot.coordinator.domain.testing.Times.T0;
import static io.clawbot.coordinator.domain.testing.Times.T1;
import static io.clawbot.coordinator.domain.testing.Times.T2;
import static io.clawbot.coordinator.domain.testing.Transitions.changed;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.testing.Bots;
import io.clawbot.coordinator.domain.testing.Definitions;
import io.clawbot.coordinator.domain.testing.Ids;
import io.clawbot.coordinator.domain.workflow.Workflow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskChangesTest {

    private final Bot bot = Bots.aBot().withCapabilities("render").online(T0).version(4).build();

    @Test
    void a_task_change_is_conditional_on_the_version_it_was_read_at_and_recorded_in_the_history() {
        Task before = aTask().version(7).build();
        Task after = changed(before.assign(bot, T1));

        TaskChanges changes = TaskChanges.builder().task(before, after, Actor.api(), "assigned").build();

        assertThat(changes.tasks()).containsExactly(new TaskChanges.Versioned<>(after, 7));
        assertThat(changes.events()).containsExactly(new TaskTransitioned(before.id(), TaskStatus.PENDING,
                TaskStatus.ASSIGNED, 1, Actor.api(), "assigned", T1, "assigned"));
        assertThat(changes.isEmpty()).isFalse();
    }

    @Test
    void a_bot_that_did_not_change_is_not_written() {
        TaskChanges changes = TaskChanges.builder().bot(bot, bot).build();

        assertThat(changes.bots()).isEmpty();
        assertThat(changes.isEmpty()).isTrue();
    }

    @Test
    void a_workflow_is_written_against_its_read_version_even_when_its_status_stays() {
        Workflow workflow = Workflow.create(Ids.workflowId(),
                io.clawbot.coordinator.domain.workflow.WorkflowDefinition.linear("wf", null,
                        java.util.List
                                .of(new io.clawbot.coordinator.domain.task.TaskSpec(null, 0, java.util.Map.of(), 60))),
                java.util.Map.of(), Map.of(), List.of(), true, T0);

        TaskChanges changes = TaskChanges.builder().workflow(workflow, workflow).build();

        assertThat(changes.workflows()).containsExactly(new TaskChanges.Versioned<>(workflow, 0));
        assertThat(changes.isEmpty()).isFalse();
    }

    @Test
    void a_changed_bot_is_written_against_its_read_version() {
        Bot busy = bot.tookTask(1, T2);

        TaskChanges changes = TaskChanges.builder().bot(bot, busy).build();

        assertThat(changes.bots()).containsExactly(new TaskChanges.Versioned<>(busy, 4));
        assertThat(changes.isEmpty()).isFalse();
    }

    @Test
    void the_creation_entry_has_no_previous_status() {
        Task task = aTask().build();

        TaskTransitioned created = TaskTransitioned.created(task, Actor.api());

        assertThat(created.from()).isNull();
        assertThat(created.to()).isEqualTo(TaskStatus.PENDING);
        assertThat(created.reason()).isEqualTo("created");
        assertThat(created.occurredAt()).isEqualTo(task.createdAt());
    }

    @Test
    void a_bot_actor_is_named_after_the_bot() {
        assertThat(Actor.bot(bot.id()).value()).isEqualTo("bot:" + bot.id().value());
        assertThat(Actor.api().value()).isEqualTo("api");
        assertThat(Actor.system().value()).isEqualTo("system");
    }
}
