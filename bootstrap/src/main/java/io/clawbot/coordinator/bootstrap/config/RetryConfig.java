package io.clawbot.coordinator.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The retry policy of new tasks before the client's own choices: global defaults, and per task type the fields
 * that differ ({@code coordinator.retry.types."<type>".max-attempts=5}). A task keeps the policy it was created
 * with.
 */
@ConfigMapping(prefix = "coordinator.retry")
public interface RetryConfig {

    /** Attempts in all, including the first; 1 never retries. */
    @WithDefault("3")
    int maxAttempts();

    /** The wait before the first retry after a failure or an execution timeout. */
    @WithDefault("1s")
    Duration backoff();

    /** Each further wait is the previous one times this. */
    @WithDefault("2.0")
    double backoffMultiplier();

    /** The longest wait. */
    @WithDefault("5m")
    Duration maxBackoff();

    /** Share of each wait drawn at random, 0 to 1. */
    @WithDefault("0.2")
    double jitter();

    /** Error codes that end a task at once. */
    Optional<List<String>> nonRetryableErrors();

    /** Per task type, the fields that differ from the global defaults. */
    Map<String, TypeRetry> types();

    /** One task type's retry fields; each is optional. */
    interface TypeRetry {
        OptionalInt maxAttempts();

        Optional<Duration> backoff();

        OptionalDouble backoffMultiplier();

        Optional<Duration> maxBackoff();

        OptionalDouble jitter();

        Optional<List<String>> nonRetryableErrors();
    }
}
