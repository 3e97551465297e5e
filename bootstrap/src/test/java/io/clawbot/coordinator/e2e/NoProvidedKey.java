package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** A service started without a provided admin key, on a fresh database: it makes the first key itself. */
public class NoProvidedKey implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("coordinator.admin-key", "");
    }
}
