package io.clawbot.coordinator.domain.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageRequestTest {

    @Test
    void a_page_without_limit_or_offset_gets_the_defaults() {
        PageRequest page = PageRequest.of(null, null);

        assertThat(page.limit()).isEqualTo(50);
        assertThat(page.offset()).isZero();
    }

    @Test
    void first_starts_at_offset_zero() {
        assertThat(PageRequest.first(10)).isEqualTo(new PageRequest(10, 0));
    }

    @Test
    void the_bounds_themselves_are_accepted() {
        assertThat(PageRequest.of(1, 0)).isEqualTo(new PageRequest(1, 0));
        assertThat(PageRequest.of(500, 100_000)).isEqualTo(new PageRequest(500, 100_000));
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, -1, 501 })
    void a_limit_out_of_bounds_is_rejected_as_limit(int limit) {
        assertThatThrownBy(() -> PageRequest.of(limit, 0))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("limit");
                    assertThat(e.getMessage()).isEqualTo("limit: must be between 1 and 500");
                });
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, 100_001 })
    void an_offset_out_of_bounds_is_rejected_as_offset(int offset) {
        assertThatThrownBy(() -> PageRequest.of(10, offset))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("offset"));
    }
}
