package io.clawbot.coordinator.domain.health;

import static io.clawbot.coordinator.domain.testing.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BotHealthTest {

    private static final Instant NOW = Instant.parse("2026-03-14T08:00:00Z");
    private static final BotId BOT = new BotId(UUID.randomUUID());

    private static Optional<BotOutcome> outcome(TaskStatus from, TaskStatus to, String cause, boolean before) {
        Task held = aTask().typed("scrape").assignedTo(BOT, 1).build();
        Task after = aTask().typed("scrape").status(to).build();
        TaskTransitioned event = new TaskTransitioned(held.id(), from, to, 1, Actor.system(), "test", NOW, cause);
        return BotOutcome.of(before ? held : null, before
                ? after
                : aTask().typed("scrape").assignedTo(BOT, 1)
                        .status(to).build(),
                event);
    }

    @Test
    void an_attempt_s_end_is_an_outcome_for_the_bot_that_held_it() {
        assertThat(outcome(TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED, "completed", false))
                .contains(new BotOutcome(BOT, "scrape", true, "completed"));
        assertThat(outcome(TaskStatus.IN_PROGRESS, TaskStatus.FAILED, "failed", false))
                .contains(new BotOutcome(BOT, "scrape", false, "failed"));
        assertThat(outcome(TaskStatus.IN_PROGRESS, TaskStatus.PENDING, "retry_scheduled", true))
                .as("a failure retried: the bot is the one before").contains(
                        new BotOutcome(BOT, "scrape", false, "retry_scheduled"));
        for (String timeout : List.of("ack_timeout", "lease_expired", "execution_timeout")) {
            assertThat(outcome(TaskStatus.ASSIGNED, TaskStatus.PENDING, timeout, true)).as(timeout)
                    .contains(new BotOutcome(BOT, "scrape", false, timeout));
        }
        assertThat(outcome(TaskStatus.IN_PROGRESS, TaskStatus.TIMED_OUT, "execution_timeout", true))
                .contains(new BotOutcome(BOT, "scrape", false, "execution_timeout"));
    }

    @Test
    void hand_backs_cancellations_and_other_moves_say_nothing_of_the_bot() {
        assertThat(outcome(TaskStatus.IN_PROGRESS, TaskStatus.PENDING, "handed_back", true)).isEmpty();
        assertThat(outcome(TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED, "cancelled", true)).isEmpty();
        assertThat(outcome(TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, "started", true)).isEmpty();
        assertThat(outcome(TaskStatus.PENDING, TaskStatus.ASSIGNED, "assigned", true)).isEmpty();
        Task untyped = aTask().untyped().assignedTo(BOT, 1).build();
        assertThat(BotOutcome.of(untyped, untyped, new TaskTransitioned(untyped.id(), TaskStatus.ASSIGNED,
                TaskStatus.COMPLETED, 1, Actor.system(), "test", NOW, "completed"))).as("an untyped task").isEmpty();
    }

    @Test
    void a_batch_of_outcomes_moves_a_score_as_folding_them_one_by_one_does() {
        BotHealth.Rules rules = new BotHealth.Rules(0.2, 0.5, 5, Duration.ofMinutes(5));
        List<Boolean> run = List.of(true, false, false, true, false, false, false);
        double oneByOne = 0.8;
        for (boolean ok : run) {
            oneByOne = oneByOne * 0.8 + (ok ? 0.2 : 0);
        }
        BotHealth.Step step = rules.step(run.stream()
                .map(ok -> new BotOutcome(BOT, "scrape", ok, ok ? "completed" : "failed")).toList());

        assertThat(step.apply(0.8)).isCloseTo(oneByOne, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(step.count()).isEqualTo(7);
        assertThat(step.failed()).isTrue();
        assertThat(step.lastCause()).isEqualTo("failed");
        assertThat(rules.step(List.of(new BotOutcome(BOT, "scrape", true, "completed"))).failed()).isFalse();
    }

    @Test
    void a_quarantine_holds_until_its_end_and_bad_rules_are_refused() {
        BotHealth h = new BotHealth(BOT, "scrape", 0.3, 0, NOW.plusSeconds(60), "why", 1, NOW);
        assertThat(h.quarantinedAt(NOW)).isTrue();
        assertThat(h.quarantinedAt(NOW.plusSeconds(60))).isFalse();
        assertThat(new BotHealth(BOT, "scrape", 1, 3, null, null, 0, NOW).quarantinedAt(NOW)).isFalse();
        assertThatThrownBy(() -> new BotHealth.Rules(0, 0.5, 5, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BotHealth.Rules(0.2, 1.5, 5, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BotHealth.Rules(0.2, 0.5, 0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BotHealth.Rules(0.2, 0.5, 5, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
