package io.clawbot.coordinator.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The task type registry. */
@ConfigMapping(prefix = "coordinator.task-types")
public interface TaskTypesConfig {

    /** Refuse tasks and workflow steps whose type is not registered; otherwise they are accepted unchecked. */
    @WithDefault("false")
    boolean strict();
}
