package io.clawbot.coordinator.domain.workflow;

import static io.clawbot.coordinator.domain.task.TaskStatus.ASSIGNED;
import static io.clawbot.coordinator.domain.task.TaskStatus.CANCELLED;
import static io.clawbot.coordinator.domain.task.TaskStatus.COMPLETED;
import static io.clawbot.coordinator.domain.task.TaskStatus.FAILED;
import static io.clawbot.coordinator.domain.task.TaskStatus.IN_PROGRESS;
import static io.clawbot.coordinator.domain.task.TaskStatus.PENDING;
import static io.clawbot.coordinator.domain.task.TaskStatus.WAITING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WorkflowStatusTest {

    @Test
    void a_failed_step_fails_the_workflow_even_when_others_are_cancelled() {
        assertThat(WorkflowStatus.derive(List.of(COMPLETED, FAILED, CANCELLED, CANCELLED)))
                .isEqualTo(WorkflowStatus.FAILED);
        assertThat(WorkflowStatus.derive(List.of(CANCELLED, FAILED))).isEqualTo(WorkflowStatus.FAILED);
    }

    @Test
    void a_cancelled_step_without_a_failure_cancels_the_workflow() {
        assertThat(WorkflowStatus.derive(List.of(COMPLETED, CANCELLED, CANCELLED)))
                .isEqualTo(WorkflowStatus.CANCELLED);
        assertThat(WorkflowStatus.derive(List.of(IN_PROGRESS, CANCELLED))).isEqualTo(WorkflowStatus.CANCELLED);
    }

    @Test
    void all_steps_completed_completes_the_workflow() {
        assertThat(WorkflowStatus.derive(List.of(COMPLETED, COMPLETED, COMPLETED)))
                .isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(WorkflowStatus.derive(List.of(COMPLETED))).isEqualTo(WorkflowStatus.COMPLETED);
    }

    @Test
    void a_workflow_without_steps_is_pending_not_completed() {
        assertThat(WorkflowStatus.derive(List.of())).isEqualTo(WorkflowStatus.PENDING);
    }

    @Test
    void a_step_taken_by_a_bot_puts_the_workflow_in_progress() {
        assertThat(WorkflowStatus.derive(List.of(ASSIGNED, WAITING))).isEqualTo(WorkflowStatus.IN_PROGRESS);
        assertThat(WorkflowStatus.derive(List.of(IN_PROGRESS, WAITING))).isEqualTo(WorkflowStatus.IN_PROGRESS);
    }

    @Test
    void a_finished_step_with_more_to_come_keeps_the_workflow_in_progress() {
        assertThat(WorkflowStatus.derive(List.of(COMPLETED, PENDING, WAITING)))
                .isEqualTo(WorkflowStatus.IN_PROGRESS);
    }

    @Test
    void steps_that_are_only_waiting_or_pending_leave_the_workflow_pending() {
        assertThat(WorkflowStatus.derive(List.of(PENDING, WAITING, WAITING))).isEqualTo(WorkflowStatus.PENDING);
        assertThat(WorkflowStatus.derive(List.of(WAITING, WAITING))).isEqualTo(WorkflowStatus.PENDING);
    }

    @Test
    void completed_failed_and_cancelled_are_terminal() {
        assertThat(WorkflowStatus.values()).filteredOn(WorkflowStatus::isTerminal).containsExactlyInAnyOrder(
                WorkflowStatus.COMPLETED, WorkflowStatus.FAILED, WorkflowStatus.CANCELLED);
    }

    @ParameterizedTest
    @EnumSource(WorkflowStatus.class)
    void every_status_reads_back_from_its_wire_name(WorkflowStatus status) {
        assertThat(WorkflowStatus.fromWire(status.wire())).isEqualTo(status);
    }

    @Test
    void an_unknown_wire_name_is_refused() {
        assertThat(WorkflowStatus.IN_PROGRESS.wire()).isEqualTo("in_progress");
        assertThatThrownBy(() -> WorkflowStatus.fromWire("done")).isInstanceOf(IllegalArgumentException.class);
    }
}
