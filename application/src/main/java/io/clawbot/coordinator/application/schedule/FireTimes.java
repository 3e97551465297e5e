package io.clawbot.coordinator.application.schedule;

import java.time.Instant;
import java.util.List;

/** The next occurrences of a cron expression in its time zone, earliest first. */
public record FireTimes(String cron, String timeZone, List<Instant> times) {

    public FireTimes {
        times = List.copyOf(times);
    }
}
