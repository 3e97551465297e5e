package io.clawbot.coordinator.domain.tasktype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyDefaultsTest {

    @Test
    void a_type_s_keys_resolve_against_each_task_s_payload() {
        KeyDefaults keys = KeyDefaults.of("repo:${payload.repo}", 2, "tenant:${payload.t}", null);
        assertThat(keys.concurrency("build", Map.of("repo", "app", "t", 7)))
                .isEqualTo(new ConcurrencyLimit("repo:app", 2));
        assertThat(keys.fairness("build", Map.of("repo", "app", "t", 7))).isEqualTo(new FairShare("tenant:7", 1));
        assertThat(KeyDefaults.of(null, null, null, null)).isNull();
        assertThat(KeyDefaults.of(null, null, "f", 3).concurrency("build", Map.of())).isNull();
    }

    @Test
    void a_payload_without_a_field_a_key_takes_is_refused_naming_the_payload() {
        KeyDefaults keys = KeyDefaults.of("repo:${payload.repo}", 2, null, null);
        assertThatThrownBy(() -> keys.concurrency("build", Map.of())).isInstanceOf(ValidationException.class)
                .hasMessageContaining("payload").hasMessageContaining("task type 'build' takes its concurrency_key");
    }

    @Test
    void keys_and_limits_that_do_not_come_together_or_are_malformed_are_refused_at_registration() {
        assertThatThrownBy(() -> KeyDefaults.of("k", null, null, null)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("max_concurrency");
        assertThatThrownBy(() -> KeyDefaults.of(null, 2, null, null)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("concurrency_key");
        assertThatThrownBy(() -> KeyDefaults.of(null, null, null, 2)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("fairness_key");
        assertThatThrownBy(() -> KeyDefaults.of("k:${env.X}", 1, null, null)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> KeyDefaults.of(null, null, "k", 0)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> KeyDefaults.of("k", 0, null, null)).isInstanceOf(ValidationException.class);
    }

    @Test
    void a_type_s_rate_limit_key_is_resolved_against_each_payload_and_checked_when_registered() {
        KeyDefaults keys = KeyDefaults.of(null, null, null, null, "api:${payload.account}", 2.0, null);

        assertThat(keys.rate("sync", Map.of("account", "acme")))
                .isEqualTo(new io.clawbot.coordinator.domain.task.RateLimit("api:acme", 2, 2));
        assertThat(KeyDefaults.of("k", 1, null, null).rate("sync", Map.of())).isNull();
        assertThatThrownBy(() -> keys.rate("sync", Map.of())).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.field()).isEqualTo("payload"));
        assertThatThrownBy(() -> KeyDefaults.of(null, null, null, null, "api", null, null))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.field()).isEqualTo("rate_per_second"));
        assertThatThrownBy(() -> KeyDefaults.of(null, null, null, null, null, 2.0, null))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.field()).isEqualTo("rate_limit_key"));
        assertThatThrownBy(() -> KeyDefaults.of(null, null, null, null, "api", 0.0, null))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> KeyDefaults.of(null, null, null, null, "api:${env.X}", 1.0, null))
                .isInstanceOf(ValidationException.class);
    }
}
