package io.clawbot.coordinator.domain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    private static final Instant NOW = Instant.parse("2026-03-14T08:00:00Z");

    @Test
    void a_full_bucket_holds_the_burst_and_each_dispatch_moves_it_one_interval_on() {
        RateLimit limit = new RateLimit("api", 4, 3);
        assertThat(limit.interval()).isEqualTo(Duration.ofMillis(250));
        assertThat(limit.room(null, NOW)).isEqualTo(3);

        Instant tat = limit.spend(null, NOW, 3);
        assertThat(tat).isEqualTo(NOW.plusMillis(750));
        assertThat(limit.room(tat, NOW)).isZero();
        assertThat(limit.nextAt(tat)).isEqualTo(NOW.plusMillis(250));
        assertThat(limit.room(tat, NOW.plusMillis(249))).isZero();
        assertThat(limit.room(tat, NOW.plusMillis(250))).isEqualTo(1);
        assertThat(limit.room(tat, NOW.plusSeconds(60))).as("a quiet spell saves no more than the burst")
                .isEqualTo(3);
        assertThat(limit.spend(tat, NOW.plusSeconds(60), 1)).isEqualTo(NOW.plusSeconds(60).plusMillis(250));
    }

    /**
     * Dispatching whenever the bucket has room, as fast as one can, never lets more than burst + t * rate go in any
     * stretch of time t.
     */
    @Test
    void no_stretch_of_time_sees_more_than_the_burst_and_the_rate_allow() {
        RateLimit limit = new RateLimit("api", 7, 4);
        java.util.List<Instant> sent = new java.util.ArrayList<>();
        Instant tat = null;
        for (Instant t = NOW; t.isBefore(NOW.plusSeconds(10)); t = t.plusMillis(13)) {
            int room = limit.room(tat, t);
            int take = Math.min(room, 2);
            for (int i = 0; i < take; i++) {
                sent.add(t);
            }
            tat = take == 0 ? tat : limit.spend(tat, t, take);
        }
        for (int i = 0; i < sent.size(); i++) {
            for (int j = i; j < sent.size(); j++) {
                double seconds = Duration.between(sent.get(i), sent.get(j)).toNanos() / 1e9;
                assertThat(j - i + 1).as("dispatches from %s to %s", sent.get(i), sent.get(j))
                        .isLessThanOrEqualTo((int) Math.floor(4 + seconds * 7 + 1e-9));
            }
        }
        assertThat(sent.size()).as("and it keeps up with the rate").isBetween(70, 75);
    }

    @Test
    void a_submission_states_a_key_and_a_rate_and_the_burst_defaults_to_a_second_s_worth() {
        assertThat(RateLimit.of(null, null, null, Map.of())).isNull();
        assertThat(RateLimit.of("api:${payload.account}", 2.5, null, Map.of("account", "acme")))
                .isEqualTo(new RateLimit("api:acme", 2.5, 3));
        assertThat(RateLimit.of("slow", 0.1, null, Map.of()).burst()).isEqualTo(1);
        assertThat(RateLimit.of("api", 10.0, 1, Map.of()).burst()).isEqualTo(1);
    }

    @Test
    void a_bad_key_rate_or_burst_is_refused_naming_its_field() {
        assertThatThrownBy(() -> RateLimit.of(null, 2.0, null, Map.of())).isInstanceOf(ValidationException.class)
                .hasMessageContaining("rate_limit_key");
        assertThatThrownBy(() -> RateLimit.of("api", null, 3, Map.of())).isInstanceOf(ValidationException.class)
                .hasMessageContaining("rate_per_second");
        assertThatThrownBy(() -> RateLimit.of("api", 0.0, null, Map.of())).isInstanceOf(ValidationException.class)
                .hasMessageContaining("rate_per_second");
        assertThatThrownBy(() -> RateLimit.of("api", Double.NaN, null, Map.of()))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> RateLimit.of("api", 100_001.0, null, Map.of()))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> RateLimit.of("api", 1.0, 0, Map.of())).isInstanceOf(ValidationException.class)
                .hasMessageContaining("rate_burst");
        assertThatThrownBy(() -> RateLimit.of(" ", 1.0, null, Map.of())).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> RateLimit.of("k".repeat(201), 1.0, null, Map.of()))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> RateLimit.of("api:${payload.missing}", 1.0, null, Map.of()))
                .isInstanceOf(ValidationException.class);
    }
}
