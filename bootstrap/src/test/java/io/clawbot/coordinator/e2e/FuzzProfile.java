package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A service of its own (a fresh, empty database) for the fuzz test, so that nothing but the fuzz's requests can
 * change a row while it watches; and a bot channel that does not close a socket for many bad frames, so that every
 * malformed frame is answered rather than the first fifty.
 */
public class FuzzProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "coordinator.channel.max-errors", "1000000",
                "coordinator.channel.frames-per-second", "100000",
                "coordinator.channel.frame-burst", "100000");
    }
}
