package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Seed 001's example as written has no retry policy, so its steps get the defaults of their task type: this
 * profile configures one attempt for {@code validation} tasks, so a failed validation takes the
 * {@code on_failure} branch at once (and shows the per-type defaults at work).
 */
public class OneValidationAttempt implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("coordinator.retry.types.\"validation\".max-attempts", "1");
    }
}
