package io.clawbot.coordinator.domain.workflow;

import static io.clawbot.coordinator.domain.testing.Times.T0;
import static io.clawbot.coordinator.domain.testing.Times.T1;
import static io.clawbot.coordinator.domain.testing.Times.T2;
import static io.clawbot.coordinator.domain.testing.Transitions.changed;
import static io.clawbot.coordinator.domain.testing.Transitions.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.testing.Definitions;
import io.clawbot.coordinator.domain.testing.Ids;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowTest {

    private final List<TaskId> steps = List.of(Ids.taskId(), Ids.taskId());

    @Test
    void a_workflow_created_with_auto_start_is_started_at_creation() {
        Workflow workflow = Workflow.create(Ids.workflowId(),
                Definitions.oneStep("nightly", "desc"), Map.of(), Map.of("team", "a"), steps, true, T0);

        assertThat(workflow.isStarted()).isTrue();
        assertThat(workflow.startedAt()).isEqualTo(T0);
        assertThat(workflow.status()).isEqualTo(WorkflowStatus.PENDING);
        assertThat(workflow.taskIds()).containsExactlyElementsOf(steps);
        assertThat(workflow.version()).isZero();
    }

    @Test
    void a_workflow_created_without_auto_start_is_not_started() {
        Workflow workflow = Workflow.create(Ids.workflowId(),
                Definitions.oneStep("nightly", null), Map.of(), null, steps, false, T0);

        assertThat(workflow.isStarted()).isFalse();
        assertThat(workflow.startedAt()).isNull();
        assertThat(workflow.metadata()).isEmpty();
    }

    @Test
    void starting_a_workflow_records_when() {
        Workflow workflow = Workflow.create(Ids.workflowId(),
                Definitions.oneStep("nightly", null), Map.of(), null, steps, false, T0);

        Workflow started = changed(workflow.start(T1));

        assertThat(started.isStarted()).isTrue();
        assertThat(started.startedAt()).isEqualTo(T1);
        assertThat(started.updatedAt()).isEqualTo(T1);
        assertThat(started.createdAt()).isEqualTo(T0);
        assertThat(started.status()).isEqualTo(WorkflowStatus.PENDING);
        assertThat(workflow.isStarted()).isFalse();
    }

    @Test
    void a_second_start_is_rejected() {
        Workflow workflow = Workflow.create(Ids.workflowId(),
                Definitions.oneStep("nightly", null), Map.of(), null, steps, false, T0);
        Workflow started = changed(workflow.start(T1));

        assertThat(rejected(started.start(T2)))
                .isEqualTo("Workflow " + workflow.id() + " was already started at " + T1);
    }

    @Test
    void a_workflow_that_ended_before_it_was_started_cannot_be_started() {
        Workflow workflow = Workflow
                .create(Ids.workflowId(),
                        Definitions.oneStep("nightly", null), Map.of(), null, steps, false, T0)
                .withStatus(WorkflowStatus.CANCELLED, T1);

        assertThat(rejected(workflow.start(T2))).contains("is already cancelled");
    }

    @Test
    void an_auto_started_workflow_cannot_be_started_again() {
        Workflow workflow = Workflow.create(Ids.workflowId(),
                Definitions.oneStep("nightly", null), Map.of(), null, steps, true, T0);

        assertThat(rejected(workflow.start(T1))).contains("was already started");
    }

    @Test
    void the_same_status_leaves_the_workflow_as_it_is() {
        Workflow workflow = Workflow.create(Ids.workflowId(),
                Definitions.oneStep("nightly", null), Map.of(), null, steps, true, T0);

        assertThat(workflow.withStatus(WorkflowStatus.PENDING, T1)).isSameAs(workflow);
    }

    @Test
    void a_new_status_is_stamped_with_the_time() {
        Workflow workflow = Workflow.create(Ids.workflowId(),
                Definitions.oneStep("nightly", null), Map.of(), null, steps, true, T0);

        Workflow running = workflow.withStatus(WorkflowStatus.IN_PROGRESS, T2);

        assertThat(running.status()).isEqualTo(WorkflowStatus.IN_PROGRESS);
        assertThat(running.updatedAt()).isEqualTo(T2);
        assertThat(running.startedAt()).isEqualTo(T0);
        assertThat(running.version()).isEqualTo(workflow.version());
    }
}
