package io.clawbot.coordinator.domain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskSpecTest {

    @Test
    void missing_values_get_the_defaults() {
        TaskSpec spec = TaskSpec.of(null, null, null, null);

        assertThat(spec.type()).isNull();
        assertThat(spec.priority()).isEqualTo(TaskSpec.DEFAULT_PRIORITY).isZero();
        assertThat(spec.timeoutSeconds()).isEqualTo(TaskSpec.DEFAULT_TIMEOUT_SECONDS).isEqualTo(300);
        assertThat(spec.payload()).isEmpty();
    }

    @Test
    void given_values_are_kept() {
        TaskSpec spec = TaskSpec.of("render/4k", 12, Map.of("scene", 1), 90);

        assertThat(spec.type()).isEqualTo("render/4k");
        assertThat(spec.priority()).isEqualTo(12);
        assertThat(spec.timeoutSeconds()).isEqualTo(90);
        assertThat(spec.payload()).containsEntry("scene", 1);
    }

    @ParameterizedTest
    @ValueSource(ints = { -1000, 0, 1000 })
    void a_priority_within_bounds_is_accepted(int priority) {
        assertThat(new TaskSpec(null, priority, null, 300).priority()).isEqualTo(priority);
    }

    @ParameterizedTest
    @ValueSource(ints = { -1001, 1001, Integer.MIN_VALUE, Integer.MAX_VALUE })
    void a_priority_out_of_bounds_is_rejected_naming_the_field(int priority) {
        assertThatThrownBy(() -> new TaskSpec(null, priority, null, 300))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("priority");
                    assertThat(e.code()).isEqualTo("validation");
                    assertThat(e.getMessage()).isEqualTo("priority: must be between -1000 and 1000");
                });
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 3600 })
    void a_timeout_within_bounds_is_accepted(int timeout) {
        assertThat(new TaskSpec(null, 0, null, timeout).timeoutSeconds()).isEqualTo(timeout);
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, -5, 3601 })
    void a_timeout_out_of_bounds_is_rejected_as_timeout_seconds(int timeout) {
        assertThatThrownBy(() -> new TaskSpec(null, 0, null, timeout))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.field()).isEqualTo("timeout_seconds"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", "-render", "render task", "rénder" })
    void a_malformed_type_is_rejected_as_type(String type) {
        assertThatThrownBy(() -> new TaskSpec(type, 0, null, 300))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("type"));
    }

    @Test
    void the_payload_is_an_immutable_copy() {
        Map<String, Object> source = new HashMap<>(Map.of("a", 1));
        TaskSpec spec = new TaskSpec(null, 0, source, 300);

        source.put("b", 2);

        assertThat(spec.payload()).containsOnlyKeys("a");
        assertThatThrownBy(() -> spec.payload().put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void a_payload_with_a_json_null_value_is_kept() {
        Map<String, Object> source = new HashMap<>();
        source.put("optional", null);

        assertThat(new TaskSpec(null, 0, source, 300).payload()).containsEntry("optional", null);
    }
}
