package io.clawbot.coordinator.domain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {

    private static RetryPolicy policy(int maxAttempts, Duration backoff, double multiplier, Duration maxBackoff,
            double jitter, Set<String> nonRetryable) {
        return new RetryPolicy(maxAttempts, backoff, multiplier, maxBackoff, jitter, nonRetryable);
    }

    private static RetryPolicy withAttempts(int maxAttempts) {
        return policy(maxAttempts, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0.2, Set.of());
    }

    private static void assertInvalid(Runnable construction, String field) {
        assertThatThrownBy(construction::run).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void the_default_is_three_attempts_waiting_one_second_doubling_up_to_five_minutes_with_twenty_percent_jitter() {
        RetryPolicy d = RetryPolicy.DEFAULT;

        assertThat(d.maxAttempts()).isEqualTo(3);
        assertThat(d.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.multiplier()).isEqualTo(2.0);
        assertThat(d.maxBackoff()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.jitter()).isEqualTo(0.2);
        assertThat(d.nonRetryableErrors()).isEmpty();
    }

    @Nested
    class Validation {

        @ParameterizedTest
        @ValueSource(ints = { 1, 2, 100 })
        void max_attempts_within_bounds_is_accepted(int maxAttempts) {
            assertThat(withAttempts(maxAttempts).maxAttempts()).isEqualTo(maxAttempts);
        }

        @ParameterizedTest
        @ValueSource(ints = { 0, -1, 101, Integer.MAX_VALUE })
        void max_attempts_out_of_bounds_is_rejected(int maxAttempts) {
            assertThatThrownBy(() -> withAttempts(maxAttempts)).isInstanceOfSatisfying(ValidationException.class,
                    e -> {
                        assertThat(e.field()).isEqualTo("retry.max_attempts");
                        assertThat(e.getMessage()).isEqualTo("retry.max_attempts: must be between 1 and 100");
                    });
        }

        @Test
        void backoffs_of_zero_and_of_one_day_are_accepted() {
            RetryPolicy zero = policy(3, Duration.ZERO, 1, Duration.ZERO, 0, Set.of());
            RetryPolicy day = policy(3, Duration.ofDays(1), 1, Duration.ofDays(1), 0, Set.of());

            assertThat(zero.initialBackoff()).isZero();
            assertThat(day.maxBackoff()).isEqualTo(Duration.ofSeconds(86_400));
        }

        @Test
        void a_missing_negative_or_too_long_backoff_is_rejected() {
            assertInvalid(() -> policy(3, null, 2, Duration.ofSeconds(10), 0, Set.of()), "retry.backoff_seconds");
            assertInvalid(() -> policy(3, Duration.ofMillis(-1), 2, Duration.ofSeconds(10), 0, Set.of()),
                    "retry.backoff_seconds");
            assertInvalid(() -> policy(3, Duration.ofDays(1).plusNanos(1), 2, Duration.ofDays(2), 0, Set.of()),
                    "retry.backoff_seconds");
            assertThatThrownBy(() -> policy(3, Duration.ofSeconds(-5), 2, Duration.ofSeconds(10), 0, Set.of()))
                    .hasMessage("retry.backoff_seconds: must be between 0 and 86400");
        }

        @Test
        void a_missing_negative_or_too_long_max_backoff_is_rejected() {
            assertInvalid(() -> policy(3, Duration.ofSeconds(1), 2, null, 0, Set.of()), "retry.max_backoff_seconds");
            assertInvalid(() -> policy(3, Duration.ZERO, 2, Duration.ofSeconds(-1), 0, Set.of()),
                    "retry.max_backoff_seconds");
            assertInvalid(() -> policy(3, Duration.ofSeconds(1), 2, Duration.ofDays(1).plusSeconds(1), 0, Set.of()),
                    "retry.max_backoff_seconds");
        }

        @Test
        void the_max_backoff_may_equal_but_not_undercut_the_backoff() {
            assertThat(policy(3, Duration.ofSeconds(5), 2, Duration.ofSeconds(5), 0, Set.of()).maxBackoff())
                    .isEqualTo(Duration.ofSeconds(5));
            assertThatThrownBy(
                    () -> policy(3, Duration.ofSeconds(5), 2, Duration.ofSeconds(5).minusNanos(1), 0, Set.of()))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("retry.max_backoff_seconds");
                        assertThat(e.getMessage()).isEqualTo(
                                "retry.max_backoff_seconds: must not be less than retry.backoff_seconds");
                    });
        }

        @Test
        void a_first_wait_above_the_inherited_cap_raises_the_cap_but_a_given_cap_is_checked() {
            RetryPolicy raised = RetryPolicy.DEFAULT
                    .with(new RetryPolicy.Overrides(null, 600.0, null, null, null, null));

            assertThat(raised.initialBackoff()).isEqualTo(Duration.ofSeconds(600));
            assertThat(raised.maxBackoff()).isEqualTo(Duration.ofSeconds(600));
            assertThatThrownBy(() -> RetryPolicy.DEFAULT.with(new RetryPolicy.Overrides(null, 600.0, null, 60.0, null,
                    null))).isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("retry.max_backoff_seconds"));
        }

        @ParameterizedTest
        @ValueSource(doubles = { 1.0, 1.5, 10.0 })
        void a_multiplier_from_one_to_ten_is_accepted(double multiplier) {
            assertThat(policy(3, Duration.ofSeconds(1), multiplier, Duration.ofSeconds(9), 0, Set.of()).multiplier())
                    .isEqualTo(multiplier);
        }

        @ParameterizedTest
        @ValueSource(doubles = { 0.99, 0, -2, 10.01, Double.NaN, Double.POSITIVE_INFINITY })
        void a_multiplier_out_of_bounds_is_rejected(double multiplier) {
            assertThatThrownBy(() -> policy(3, Duration.ofSeconds(1), multiplier, Duration.ofSeconds(9), 0, Set.of()))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("retry.backoff_multiplier");
                        assertThat(e.getMessage()).isEqualTo("retry.backoff_multiplier: must be between 1 and 10");
                    });
        }

        @ParameterizedTest
        @ValueSource(doubles = { 0, 0.5, 1 })
        void a_jitter_from_zero_to_one_is_accepted(double jitter) {
            assertThat(policy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(9), jitter, Set.of()).jitter())
                    .isEqualTo(jitter);
        }

        @ParameterizedTest
        @ValueSource(doubles = { -0.01, 1.01, Double.NaN })
        void a_jitter_out_of_bounds_is_rejected(double jitter) {
            assertThatThrownBy(() -> policy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(9), jitter, Set.of()))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("retry.jitter");
                        assertThat(e.getMessage()).isEqualTo("retry.jitter: must be between 0 and 1");
                    });
        }

        @ParameterizedTest
        @ValueSource(strings = { "", " ", "-oom", "out of memory", "ünicode", "_x" })
        void a_malformed_non_retryable_error_code_is_rejected(String code) {
            assertInvalid(() -> policy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(9), 0, Set.of("ok", code)),
                    "retry.non_retryable_errors");
        }

        @Test
        void well_formed_error_codes_are_accepted() {
            Set<String> codes = Set.of("bad_input", "HTTP:404", "auth/denied", "v1.2-x");

            assertThat(policy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(9), 0, codes).nonRetryableErrors())
                    .containsExactlyInAnyOrderElementsOf(codes);
        }

        @Test
        void at_most_fifty_error_codes_are_accepted() {
            Set<String> fifty = IntStream.range(0, 50).mapToObj(i -> "e" + i).collect(Collectors.toSet());
            Set<String> fiftyOne = new HashSet<>(fifty);
            fiftyOne.add("e50");

            assertThat(policy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(9), 0, fifty).nonRetryableErrors())
                    .hasSize(50);
            assertThatThrownBy(() -> policy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(9), 0, fiftyOne))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("retry.non_retryable_errors");
                        assertThat(e.getMessage())
                                .isEqualTo("retry.non_retryable_errors: must hold at most 50 error codes");
                    });
        }

        @Test
        void missing_error_codes_are_an_empty_set_and_given_ones_an_immutable_copy() {
            Set<String> source = new HashSet<>(Set.of("a"));
            RetryPolicy p = policy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(9), 0, source);

            source.add("b");

            assertThat(policy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(9), 0, null).nonRetryableErrors())
                    .isEmpty();
            assertThat(p.nonRetryableErrors()).containsExactly("a");
            assertThatThrownBy(() -> p.nonRetryableErrors().add("c"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class AllowsRetry {

        private final RetryPolicy p = policy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(9), 0,
                Set.of("bad_input"));

        @ParameterizedTest(name = "after {0} attempts: {1}")
        @CsvSource({ "0, true", "1, true", "2, true", "3, false", "4, false" })
        void retries_are_allowed_while_fewer_than_max_attempts_were_made(int made, boolean allowed) {
            assertThat(p.allowsRetry(made, null)).isEqualTo(allowed);
            assertThat(p.allowsRetry(made, "transient")).isEqualTo(allowed);
        }

        @Test
        void a_non_retryable_code_is_never_retried() {
            assertThat(p.allowsRetry(1, "bad_input")).isFalse();
        }

        @Test
        void codes_are_compared_exactly() {
            assertThat(p.allowsRetry(1, "Bad_Input")).isTrue();
            assertThat(p.allowsRetry(1, "bad_input ")).isTrue();
        }

        @Test
        void a_single_attempt_is_never_retried() {
            assertThat(withAttempts(1).allowsRetry(1, null)).isFalse();
        }
    }

    @Nested
    class Backoff {

        private final RetryPolicy p = policy(10, Duration.ofSeconds(2), 3.0, Duration.ofSeconds(100), 0.5,
                Set.of());

        @ParameterizedTest(name = "retry {0} waits {1} ms")
        @CsvSource({ "1, 2000", "2, 6000", "3, 18000", "4, 54000", "5, 100000", "9, 100000" })
        void the_wait_grows_by_the_multiplier_and_is_capped(int retry, long millis) {
            assertThat(p.backoff(retry, 0)).isEqualTo(Duration.ofMillis(millis));
        }

        @Test
        void a_retry_number_below_one_waits_the_first_backoff() {
            assertThat(p.backoff(0, 0)).isEqualTo(Duration.ofSeconds(2));
        }

        @Test
        void a_huge_retry_number_stays_at_the_cap() {
            RetryPolicy steep = policy(100, Duration.ofSeconds(1), 10, Duration.ofDays(1), 0, Set.of());

            assertThat(steep.backoff(1000, 0)).isEqualTo(Duration.ofDays(1));
        }

        @Test
        void jitter_takes_off_a_random_share_of_up_to_jitter_of_the_wait() {
            assertThat(p.backoff(2, 0.5)).isEqualTo(Duration.ofMillis(4_500));
            assertThat(p.backoff(2, Math.nextDown(1.0)).toMillis()).isBetween(2_999L, 3_000L);
            assertThat(p.backoff(5, 0.5)).isEqualTo(Duration.ofSeconds(75));
        }

        @Test
        void full_jitter_may_take_the_whole_wait_away() {
            RetryPolicy full = policy(3, Duration.ofSeconds(8), 1, Duration.ofSeconds(8), 1, Set.of());

            assertThat(full.backoff(1, 0.25)).isEqualTo(Duration.ofSeconds(6));
            assertThat(full.backoff(1, Math.nextDown(1.0)).toMillis()).isZero();
        }

        @Test
        void no_jitter_ignores_the_random_number() {
            RetryPolicy none = policy(3, Duration.ofSeconds(8), 2, Duration.ofSeconds(60), 0, Set.of());

            assertThat(none.backoff(2, 0.9)).isEqualTo(Duration.ofSeconds(16));
        }

        @Test
        void sub_second_backoffs_keep_their_precision() {
            RetryPolicy fine = policy(3, Duration.ofMillis(250), 2, Duration.ofSeconds(1), 0, Set.of());

            assertThat(fine.backoff(1, 0)).isEqualTo(Duration.ofMillis(250));
            assertThat(fine.backoff(2, 0)).isEqualTo(Duration.ofMillis(500));
            assertThat(fine.backoff(4, 0)).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Nested
    class With {

        private final RetryPolicy base = policy(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.2,
                Set.of("base_code"));

        @Test
        void no_overrides_keep_the_policy() {
            assertThat(base.with(null)).isSameAs(base);
            assertThat(base.with(RetryPolicy.Overrides.NONE)).isEqualTo(base);
        }

        @Test
        void every_given_field_replaces_the_base_value() {
            RetryPolicy merged = base.with(new RetryPolicy.Overrides(6, 2.5, 3.0, 120.0, 0.0, List.of("x", "y")));

            assertThat(merged).isEqualTo(policy(6, Duration.ofMillis(2_500), 3.0, Duration.ofSeconds(120), 0.0,
                    Set.of("x", "y")));
        }

        @Test
        void the_fields_left_out_keep_their_values() {
            RetryPolicy merged = base.with(new RetryPolicy.Overrides(null, null, null, null, 0.5, null));

            assertThat(merged.maxAttempts()).isEqualTo(3);
            assertThat(merged.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
            assertThat(merged.multiplier()).isEqualTo(2.0);
            assertThat(merged.maxBackoff()).isEqualTo(Duration.ofMinutes(5));
            assertThat(merged.jitter()).isEqualTo(0.5);
            assertThat(merged.nonRetryableErrors()).containsExactly("base_code");
        }

        @Test
        void given_error_codes_replace_the_base_set_and_an_empty_list_clears_it() {
            assertThat(base.with(new RetryPolicy.Overrides(null, null, null, null, null, List.of("other")))
                    .nonRetryableErrors()).containsExactly("other");
            assertThat(base.with(new RetryPolicy.Overrides(null, null, null, null, null, List.of()))
                    .nonRetryableErrors()).isEmpty();
        }

        @Test
        void fractional_seconds_are_kept() {
            RetryPolicy merged = base.with(new RetryPolicy.Overrides(null, 0.25, null, 1.5, null, null));

            assertThat(merged.initialBackoff()).isEqualTo(Duration.ofMillis(250));
            assertThat(merged.maxBackoff()).isEqualTo(Duration.ofMillis(1_500));
        }

        @Test
        void the_merged_policy_is_validated_naming_the_field() {
            assertInvalid(() -> base.with(new RetryPolicy.Overrides(0, null, null, null, null, null)),
                    "retry.max_attempts");
            assertInvalid(() -> base.with(new RetryPolicy.Overrides(101, null, null, null, null, null)),
                    "retry.max_attempts");
            assertInvalid(() -> base.with(new RetryPolicy.Overrides(null, null, 11.0, null, null, null)),
                    "retry.backoff_multiplier");
            assertInvalid(() -> base.with(new RetryPolicy.Overrides(null, null, null, null, 2.0, null)),
                    "retry.jitter");
            assertInvalid(() -> base.with(new RetryPolicy.Overrides(null, null, null, null, null, List.of("a b"))),
                    "retry.non_retryable_errors");
            assertInvalid(() -> base.with(new RetryPolicy.Overrides(null, 10.0, null, 5.0, null, null)),
                    "retry.max_backoff_seconds");
        }

        @ParameterizedTest
        @ValueSource(doubles = { -1, -0.001, 86_400.5, Double.NaN, Double.POSITIVE_INFINITY })
        void seconds_out_of_range_are_rejected_naming_the_field(double seconds) {
            assertThatThrownBy(() -> base.with(new RetryPolicy.Overrides(null, seconds, null, null, null, null)))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("retry.backoff_seconds");
                        assertThat(e.getMessage()).isEqualTo("retry.backoff_seconds: must be between 0 and 86400");
                    });
            assertInvalid(() -> base.with(new RetryPolicy.Overrides(null, null, null, seconds, null, null)),
                    "retry.max_backoff_seconds");
        }

        @Test
        void the_overrides_keep_an_immutable_copy_of_the_error_codes() {
            List<String> source = new java.util.ArrayList<>(List.of("a"));
            RetryPolicy.Overrides overrides = new RetryPolicy.Overrides(null, null, null, null, null, source);

            source.add("b");

            assertThat(overrides.nonRetryableErrors()).containsExactly("a");
            assertThat(RetryPolicy.Overrides.NONE.nonRetryableErrors()).isNull();
        }
    }
}
