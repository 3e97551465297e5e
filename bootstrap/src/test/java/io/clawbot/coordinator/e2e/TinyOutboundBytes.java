package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A bot may have any number of frames waiting on its socket but only a megabyte of them, so a bot that stops
 * reading while it is sent large frames is found by their size.
 */
public class TinyOutboundBytes implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("coordinator.channel.max-pending-bytes", "1048576");
    }
}
