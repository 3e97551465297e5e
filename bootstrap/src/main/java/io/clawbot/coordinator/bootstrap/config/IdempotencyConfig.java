package io.clawbot.coordinator.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long creation requests' idempotency keys are kept. */
@ConfigMapping(prefix = "coordinator.idempotency")
public interface IdempotencyConfig {

    /** A repeat within this time returns the first creation; later it creates anew. */
    @WithDefault("24h")
    Duration retention();
}
