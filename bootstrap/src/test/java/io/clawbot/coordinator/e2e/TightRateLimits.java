package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Rate limits small enough to reach in a test: readers 5 at once and 1 per second; bots 5 at once and almost no
 * refill, so that a race over a bot's bucket has one right answer however long it takes.
 */
public class TightRateLimits implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "coordinator.api.rate-limits.reader-burst", "5",
                "coordinator.api.rate-limits.reader-per-second", "1",
                "coordinator.api.rate-limits.bot-burst", "5",
                "coordinator.api.rate-limits.bot-per-second", "0.001");
    }
}
