package io.clawbot.coordinator.domain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskStatusTest {

    @Test
    void completed_failed_timed_out_cancelled_and_skipped_are_the_terminal_statuses() {
        assertThat(TaskStatus.values()).filteredOn(TaskStatus::isTerminal)
                .containsExactlyInAnyOrder(TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.TIMED_OUT,
                        TaskStatus.CANCELLED, TaskStatus.SKIPPED);
    }

    @Test
    void assigned_and_in_progress_are_the_statuses_held_by_a_bot() {
        assertThat(TaskStatus.values()).filteredOn(TaskStatus::isHeldByBot)
                .containsExactlyInAnyOrder(TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS);
    }

    @Test
    void the_wire_name_is_the_lower_case_name() {
        assertThat(TaskStatus.IN_PROGRESS.wire()).isEqualTo("in_progress");
        assertThat(TaskStatus.WAITING.wire()).isEqualTo("waiting");
    }

    @ParameterizedTest
    @EnumSource(TaskStatus.class)
    void every_status_reads_back_from_its_wire_name(TaskStatus status) {
        assertThat(TaskStatus.fromWire(status.wire())).isEqualTo(status);
    }

    @Test
    void an_unknown_wire_name_is_refused() {
        assertThatThrownBy(() -> TaskStatus.fromWire("IN_PROGRESS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown task status");
    }
}
