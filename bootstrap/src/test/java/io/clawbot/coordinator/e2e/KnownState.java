package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A service of its own for one test class: started on an emptied database (as every start in tests is), used by
 * no other class, with no dispatch tick and no sweep, so that the class knows every row there is.
 */
public class KnownState implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("coordinator.dispatch.tick-interval", "1h", "coordinator.dispatch.sweep-interval", "1h",
                "coordinator.watch.interval", "150ms");
    }
}
