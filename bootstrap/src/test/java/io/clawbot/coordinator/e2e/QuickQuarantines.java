package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Bots quarantined for a type after two outcomes, for three seconds; scores written and read often. */
public class QuickQuarantines implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("coordinator.bots.health.weight", "0.5", "coordinator.bots.health.threshold", "0.5",
                "coordinator.bots.health.min-samples", "2", "coordinator.bots.health.cool-down", "3s",
                "coordinator.bots.health.flush-interval", "100ms", "coordinator.bots.health.refresh-interval",
                "200ms");
    }
}
