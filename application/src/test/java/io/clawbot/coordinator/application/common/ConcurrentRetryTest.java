package io.clawbot.coordinator.application.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.Refusal;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrentRetryTest {

    private final AtomicInteger runs = new AtomicInteger();

    private Uni<String> failingTimes(int failures, RuntimeException failure) {
        int run = runs.incrementAndGet();
        return run <= failures ? Uni.createFrom().failure(failure) : Uni.createFrom().item("done on run " + run);
    }

    @Test
    void a_step_that_succeeds_runs_once() {
        assertThat(ConcurrentRetry.run(() -> failingTimes(0, null)).await().indefinitely())
                .isEqualTo("done on run 1");
        assertThat(runs).hasValue(1);
    }

    @Test
    void a_lost_race_is_run_again_from_the_start() {
        String result = ConcurrentRetry.run(() -> failingTimes(2, ConflictException.concurrentModification("Task")))
                .await().indefinitely();

        assertThat(result).isEqualTo("done on run 3");
    }

    @Test
    void the_step_is_run_at_most_the_allowed_number_of_times() {
        assertThatThrownBy(() -> ConcurrentRetry.run(
                () -> failingTimes(ConcurrentRetry.ATTEMPTS, ConflictException.concurrentModification("Task")))
                .await().indefinitely())
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.isConcurrentModification()).isTrue());
        assertThat(runs).hasValue(5);
    }

    @Test
    void the_last_allowed_attempt_may_still_succeed() {
        String result = ConcurrentRetry.run(() -> failingTimes(ConcurrentRetry.ATTEMPTS - 1,
                ConflictException.concurrentModification("Task"))).await().indefinitely();

        assertThat(result).isEqualTo("done on run 5");
    }

    @Test
    void other_conflicts_are_not_retried() {
        assertThatThrownBy(() -> ConcurrentRetry.run(
                () -> failingTimes(1, new ConflictException("bot-name-taken", "taken"))).await().indefinitely())
                .isInstanceOf(ConflictException.class);
        assertThat(runs).hasValue(1);
    }

    @Test
    void rejections_are_not_retried() {
        assertThatThrownBy(() -> ConcurrentRetry.run(
                () -> failingTimes(1, new InvalidTransitionException(Refusal.WRONG_STATUS, "no"))).await()
                .indefinitely())
                .isInstanceOf(InvalidTransitionException.class);
        assertThat(runs).hasValue(1);
    }

    @Test
    void a_step_that_throws_while_building_its_work_is_retried_too() {
        String result = ConcurrentRetry.<String>run(() -> {
            if (runs.incrementAndGet() == 1) {
                throw ConflictException.concurrentModification("Bot");
            }
            return Uni.createFrom().item("built");
        }).await().indefinitely();

        assertThat(result).isEqualTo("built");
        assertThat(runs).hasValue(2);
    }
}
