package io.clawbot.coordinator.domain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {

    private static final Map<String, Object> PAYLOAD = Map.of("customer_id", 42, "repo",
            Map.of("owner", "acme", "private", true), "list", java.util.List.of(1));

    @Test
    void a_key_s_placeholders_take_the_payload_s_fields_nested_ones_included() {
        assertThat(ConcurrencyLimit.of("customer:${payload.customer_id}", 5, PAYLOAD))
                .isEqualTo(new ConcurrencyLimit("customer:42", 5));
        assertThat(ConcurrencyLimit.of("${payload.repo.owner}/${ payload.repo.private }", 1, PAYLOAD).key())
                .isEqualTo("acme/true");
        assertThat(ConcurrencyLimit.of("plain", 3, null).key()).isEqualTo("plain");
    }

    @Test
    void no_key_and_no_limit_is_no_limit_and_one_without_the_other_is_refused() {
        assertThat(ConcurrencyLimit.of(null, null, PAYLOAD)).isNull();
        assertThatThrownBy(() -> ConcurrencyLimit.of("k", null, PAYLOAD)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("max_concurrency");
        assertThatThrownBy(() -> ConcurrencyLimit.of(null, 2, PAYLOAD)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("concurrency_key");
    }

    @Test
    void a_placeholder_of_a_missing_or_structured_field_or_another_form_is_refused() {
        assertThatThrownBy(() -> ConcurrencyLimit.of("${payload.nope}", 1, PAYLOAD))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> ConcurrencyLimit.of("${payload.repo}", 1, PAYLOAD))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> ConcurrencyLimit.of("${payload.list}", 1, PAYLOAD))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> ConcurrencyLimit.of("${input.x}", 1, PAYLOAD)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> ConcurrencyLimit.of("${payload.}", 1, PAYLOAD))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void a_blank_or_long_key_and_a_limit_out_of_range_are_refused() {
        assertThatThrownBy(() -> new ConcurrencyLimit(" ", 1)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> new ConcurrencyLimit("k".repeat(201), 1)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> new ConcurrencyLimit("k", 0)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> new ConcurrencyLimit("k", 100_001)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> ConcurrencyLimit.of("${payload.long}", 1, Map.of("long", "x".repeat(201))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("resolves to a key of 201 characters");
    }
}
