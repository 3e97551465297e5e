package io.clawbot.coordinator.domain.policy;

import static io.clawbot.coordinator.domain.testing.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-14T08:00:00Z");
    private static final ConcurrencyLimit STATED = new ConcurrencyLimit("acme", 4);

    @Test
    void a_pause_holds_back_the_key_s_tasks_only_and_a_resume_lets_them_go() {
        KeyPolicy paused = KeyPolicy.none("acme").pausedBy(Actor.key("ops"), "why", NOW);

        assertThat(paused.holdsBack(aTask().pending().build().limitedBy(STATED))).isTrue();
        assertThat(paused.holdsBack(aTask().pending().build().limitedBy(new ConcurrencyLimit("other", 4))))
                .isFalse();
        assertThat(paused.holdsBack(aTask().pending().build())).as("a task without a key").isFalse();
        assertThat(paused.pause()).isEqualTo(new KeyPolicy.Pause("why", NOW, "key:ops"));
        KeyPolicy resumed = paused.resumed(NOW.plusSeconds(5));
        assertThat(resumed.holdsBack(aTask().pending().build().limitedBy(STATED))).isFalse();
        assertThat(resumed).extracting(KeyPolicy::pause, KeyPolicy::updatedAt).containsExactly(null,
                NOW.plusSeconds(5));
    }

    @Test
    void the_limit_is_the_policy_s_else_the_task_s_and_none_while_paused() {
        KeyPolicy none = KeyPolicy.none("acme");
        assertThat(none.limitOf(STATED)).isEqualTo(4);
        KeyPolicy limited = none.limitedTo(2, NOW);
        assertThat(limited.limitOf(STATED)).isEqualTo(2);
        assertThat(limited.limitedTo(2, NOW.plusSeconds(1))).isSameAs(limited);
        assertThat(limited.pausedBy(Actor.system(), null, NOW).limitOf(STATED)).isZero();
        assertThat(limited.pausedBy(Actor.system(), null, NOW).resumed(NOW).limitOf(STATED))
                .as("a resume keeps the limit").isEqualTo(2);
        assertThat(limited.limitedTo(null, NOW).limitOf(STATED)).isEqualTo(4);
    }

    @Test
    void pausing_a_paused_key_or_resuming_one_that_is_not_changes_nothing() {
        KeyPolicy paused = KeyPolicy.none("acme").pausedBy(Actor.key("ops"), "first", NOW);

        assertThat(paused.pausedBy(Actor.key("other"), "second", NOW.plusSeconds(1))).isSameAs(paused);
        KeyPolicy none = KeyPolicy.none("acme");
        assertThat(none.resumed(NOW)).isSameAs(none);
    }

    @Test
    void a_bad_key_limit_or_reason_is_refused() {
        assertThatThrownBy(() -> KeyPolicy.none(" ")).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> KeyPolicy.none("k".repeat(201))).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> KeyPolicy.none("a\u0000b")).isInstanceOf(ValidationException.class);
        assertThat(KeyPolicy.none("repo:acme/app #1").key()).as("any printable text").isEqualTo("repo:acme/app #1");
        assertThatThrownBy(() -> KeyPolicy.none("acme").limitedTo(0, NOW)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> KeyPolicy.none("acme").limitedTo(100_001, NOW))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> KeyPolicy.none("acme").pausedBy(Actor.system(), "x".repeat(501), NOW))
                .isInstanceOf(ValidationException.class);
    }
}
