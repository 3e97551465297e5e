package io.clawbot.coordinator.domain.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = { "a", "render", "Render.v2", "gpu:a100", "media/transcode", "x_y-z", "0day" })
    void a_token_of_letters_digits_and_separators_is_accepted(String token) {
        assertThat(Names.token("type", token)).isEqualTo(token);
    }

    @Test
    void a_token_may_be_at_most_one_hundred_characters() {
        assertThat(Names.token("type", "a".repeat(100))).hasSize(100);
        assertThatThrownBy(() -> Names.token("type", "a".repeat(101))).isInstanceOf(ValidationException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { " render", ".hidden", "-flag", "with space", "semi;colon", "ünïcode" })
    void a_malformed_token_is_rejected_naming_the_given_field(String token) {
        assertThatThrownBy(() -> Names.token("capabilities[2]", token))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("capabilities[2]");
                    assertThat(e.getMessage()).startsWith("capabilities[2]: must be 1-100 characters");
                });
    }

    @Test
    void required_text_is_trimmed() {
        assertThat(Names.required("name", "  bot one  ", 10)).isEqualTo("bot one");
    }

    @Test
    void required_text_is_measured_after_trimming() {
        assertThat(Names.required("name", "   " + "x".repeat(10) + "   ", 10)).hasSize(10);
        assertThatThrownBy(() -> Names.required("name", "x".repeat(11), 10))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("name");
                    assertThat(e.getMessage()).isEqualTo("name: must be at most 10 characters");
                });
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "   ", "\n\t" })
    void required_text_must_not_be_blank(String value) {
        assertThatThrownBy(() -> Names.required("error", value, 10))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("error");
                    assertThat(e.getMessage()).isEqualTo("error: must not be blank");
                });
    }

    @Test
    void optional_text_may_be_absent_or_empty_and_is_kept_as_given() {
        assertThat(Names.optional("description", null, 5)).isNull();
        assertThat(Names.optional("description", "", 5)).isEmpty();
        assertThat(Names.optional("description", " abc ", 5)).isEqualTo(" abc ");
    }

    @Test
    void optional_text_longer_than_the_maximum_is_rejected() {
        assertThatThrownBy(() -> Names.optional("description", "abcdef", 5))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.field()).isEqualTo("description"));
    }
}
