package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * No dispatch tick and no sweep within a test's time: what the test does to the stores is all that happens to them.
 */
public class QuietService implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("coordinator.dispatch.tick-interval", "1h", "coordinator.dispatch.sweep-interval", "1h");
    }
}
