package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Two pooled connections and waits of a second or two, so that an exhausted pool shows quickly. */
public class SmallPool implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.datasource.reactive.max-size", "2",
                "coordinator.database.acquire-timeout", "1s",
                "coordinator.database.statement-timeout", "3s");
    }
}
