package io.clawbot.coordinator.adapters.rest.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the HTTP API. */
@ConfigMapping(prefix = "coordinator.api")
public interface ApiConfig {

    /**
     * Largest request body accepted, in bytes; a larger one is answered 413 with a problem document before it
     * is parsed. Keep it below {@code quarkus.http.limits.max-body-size}, the transport's hard cut.
     */
    @WithDefault("1048576")
    long maxBodyBytes();
}
