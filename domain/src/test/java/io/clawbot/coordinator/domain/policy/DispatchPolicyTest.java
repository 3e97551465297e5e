package io.clawbot.coordinator.domain.policy;

import static io.clawbot.coordinator.domain.testing.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.Actor;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DispatchPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-14T08:00:00Z");

    @Test
    void a_pause_holds_back_the_type_s_tasks_only_and_a_resume_lets_them_go() {
        DispatchPolicy paused = DispatchPolicy.none("build").pausedBy(Actor.key("ops"), "why", NOW);

        assertThat(paused.holdsBack(aTask().typed("build").pending().build())).isTrue();
        assertThat(paused.holdsBack(aTask().typed("other").pending().build())).isFalse();
        assertThat(paused.holdsBack(aTask().pending().build())).as("an untyped task").isFalse();
        assertThat(DispatchPolicy.none("build").holdsBack(aTask().typed("build").pending().build())).isFalse();
        DispatchPolicy resumed = paused.resumed(NOW.plusSeconds(5));
        assertThat(resumed.holdsBack(aTask().typed("build").pending().build())).isFalse();
        assertThat(resumed).extracting(DispatchPolicy::pauseReason, DispatchPolicy::pausedAt,
                DispatchPolicy::pausedBy, DispatchPolicy::updatedAt).containsExactly(null, null, null,
                        NOW.plusSeconds(5));
    }

    @Test
    void pausing_a_paused_type_or_resuming_one_that_is_not_changes_nothing() {
        DispatchPolicy paused = DispatchPolicy.none("build").pausedBy(Actor.key("ops"), "first", NOW);

        assertThat(paused.pausedBy(Actor.key("other"), "second", NOW.plusSeconds(1))).isSameAs(paused);
        DispatchPolicy none = DispatchPolicy.none("build");
        assertThat(none.resumed(NOW)).isSameAs(none);
    }

    @Test
    void a_bad_type_or_reason_is_refused() {
        assertThatThrownBy(() -> DispatchPolicy.none("bad name")).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> DispatchPolicy.none("build").pausedBy(Actor.system(), "x".repeat(501), NOW))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> new DispatchPolicy("build", false, "why", null, null, NOW, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
