package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** No periodic dispatch tick within a test's time: only signals and other replicas' hints start a round. */
public class NoDispatchTick implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("coordinator.dispatch.tick-interval", "1h");
    }
}
