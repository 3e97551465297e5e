package io.clawbot.coordinator.botclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void doubles_from_the_initial_delay_up_to_the_cap() {
        assertThat(backoff.ceilingMillis(0)).isEqualTo(100);
        assertThat(backoff.ceilingMillis(1)).isEqualTo(200);
        assertThat(backoff.ceilingMillis(2)).isEqualTo(400);
        assertThat(backoff.ceilingMillis(5)).isEqualTo(3200);
        assertThat(backoff.ceilingMillis(6)).isEqualTo(5000);
        assertThat(backoff.ceilingMillis(7)).isEqualTo(5000);
    }

    @Test
    void stays_at_the_cap_for_huge_attempt_numbers_without_overflow() {
        for (int attempt : new int[]{ 30, 61, 62, 63, 64, 1000, Integer.MAX_VALUE }) {
            assertThat(backoff.ceilingMillis(attempt)).as("attempt %d", attempt).isEqualTo(5000);
        }
        Backoff huge = new Backoff(Duration.ofMillis(1), Duration.ofMillis(Long.MAX_VALUE));
        assertThat(huge.ceilingMillis(62)).isEqualTo(Long.MAX_VALUE);
        assertThat(huge.ceilingMillis(61)).isEqualTo(1L << 61);
    }

    @Test
    void jitter_keeps_the_delay_between_half_the_ceiling_and_the_ceiling() {
        assertThat(backoff.delay(2, 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(2, 0.5)).isEqualTo(Duration.ofMillis(300));
        assertThat(backoff.delay(2, 0.999_999)).isEqualTo(Duration.ofMillis(399));
        assertThat(backoff.delay(20, 0.0)).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void random_delays_vary_and_stay_in_range() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            long millis = backoff.delay(3).toMillis();
            assertThat(millis).isBetween(400L, 800L);
            seen.add(millis);
        }
        // Jitter exists so that bots spread out; 200 draws from 400 values landing on a handful would mean none.
        assertThat(seen).hasSizeGreaterThan(20);
    }

    @Test
    void rejects_nonsense_settings() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.ceilingMillis(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.delay(0, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
