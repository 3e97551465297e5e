package io.clawbot.coordinator.domain.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransitionTest {

    @Test
    void a_change_yields_the_next_state() {
        assertThat(Transition.changed("next").orThrow()).isEqualTo("next");
    }

    @Test
    void a_repeat_yields_the_current_state() {
        assertThat(Transition.unchanged("current").orThrow()).isEqualTo("current");
    }

    @Test
    void a_rejection_throws_an_invalid_transition_carrying_its_kind_and_detail() {
        assertThatThrownBy(() -> Transition.<String>rejected(Refusal.STALE_ATTEMPT, "not now").orThrow())
                .isInstanceOfSatisfying(InvalidTransitionException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("not now");
                    assertThat(e.reason()).isEqualTo(Refusal.STALE_ATTEMPT);
                    assertThat(e.code()).isEqualTo("stale-attempt");
                });
    }

    @Test
    void every_kind_of_refusal_has_its_own_code() {
        assertThat(java.util.Arrays.stream(Refusal.values()).map(Refusal::code).distinct())
                .hasSize(Refusal.values().length);
        assertThat(Refusal.WRONG_STATUS.code()).isEqualTo("invalid-transition");
    }

    @Test
    void exceptions_carry_stable_codes_and_human_messages() {
        assertThat(new NotFoundException("task", "t-1").code()).isEqualTo("task-not-found");
        assertThat(new NotFoundException("task", "t-1").getMessage()).isEqualTo("Task t-1 does not exist");
        assertThat(ConflictException.concurrentModification("Task t-1").isConcurrentModification()).isTrue();
        assertThat(ConflictException.concurrentModification("Task t-1").getMessage())
                .isEqualTo("Task t-1 was changed concurrently; retry the request");
        assertThat(new ConflictException("bot-name-taken", "taken").isConcurrentModification()).isFalse();
        assertThat(new IdempotencyKeyReusedException("k1").code()).isEqualTo("idempotency-key-reused");
    }
}
