package io.clawbot.coordinator.domain.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyKeyTest {

    @Test
    void a_key_of_the_maximum_length_is_accepted() {
        String key = "k".repeat(255);

        assertThat(new IdempotencyKey(key, "sha256:abc").key()).isEqualTo(key);
    }

    @Test
    void a_key_longer_than_the_maximum_is_rejected_as_the_header_name() {
        assertThatThrownBy(() -> new IdempotencyKey("k".repeat(256), "sha256:abc"))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("Idempotency-Key");
                    assertThat(e.getMessage()).contains("at most 255 characters");
                });
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { " ", "\t" })
    void a_blank_key_is_rejected_as_the_header_name(String key) {
        assertThatThrownBy(() -> new IdempotencyKey(key, "sha256:abc"))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("Idempotency-Key");
                    assertThat(e.getMessage()).contains("must not be blank");
                });
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "  " })
    void a_key_without_a_fingerprint_is_a_programming_error_not_a_client_error(String fingerprint) {
        assertThatThrownBy(() -> new IdempotencyKey("key-1", fingerprint))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fingerprint is required");
    }
}
