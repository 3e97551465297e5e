package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** A bot may have only a few frames waiting on its socket, so a bot that stops reading is found quickly. */
public class TinyOutboundBuffer implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("coordinator.channel.max-pending-sends", "4");
    }
}
