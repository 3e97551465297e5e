package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Seconds instead of the production minutes, so lease expiry can be watched in real time. */
public class ShortLeases implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "coordinator.dispatch.ack-timeout", "1s",
                "coordinator.dispatch.lease", "3s",
                "coordinator.dispatch.reconnect-grace", "2s",
                "coordinator.dispatch.sweep-interval", "1s",
                "coordinator.dispatch.tick-interval", "1s");
    }
}
