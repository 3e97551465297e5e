package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A misfire threshold of two hours, so that a backlog of occurrences made by moving a schedule's next fire time
 * back (a stand-in for downtime) is fired occurrence by occurrence instead of being treated as a misfire.
 */
public class PatientSchedules implements QuarkusTestProfile {

    static final String MISFIRE_THRESHOLD = "2h";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("coordinator.schedules.misfire-threshold", MISFIRE_THRESHOLD);
    }
}
