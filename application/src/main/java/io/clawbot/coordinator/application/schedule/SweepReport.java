package io.clawbot.coordinator.application.schedule;

import io.clawbot.coordinator.domain.id.ScheduleId;
import java.util.ArrayList;
import java.util.List;

/**
 * What one sweep over the due schedules did.
 *
 * @param fired occurrences for which this sweep created a task or workflow
 * @param alreadyFired occurrences another replica (or an earlier, interrupted sweep) had created already
 * @param skipped misfired occurrences skipped by their schedule's policy
 * @param failures schedules that could not be fired; a passing problem leaves the occurrence due for the next
 *        sweep, a template that no longer makes a valid request moves the schedule on without firing
 */
public record SweepReport(int fired, int alreadyFired, int skipped, List<Failure> failures) {

    public SweepReport {
        failures = List.copyOf(failures);
    }

    public static final SweepReport EMPTY = new SweepReport(0, 0, 0, List.of());

    /** One schedule that could not be fired, and why. */
    public record Failure(ScheduleId scheduleId, String reason, Throwable cause) {
    }

    SweepReport plus(SweepReport other) {
        List<Failure> all = new ArrayList<>(failures);
        all.addAll(other.failures);
        return new SweepReport(fired + other.fired, alreadyFired + other.alreadyFired, skipped + other.skipped, all);
    }

    public boolean isEmpty() {
        return fired == 0 && alreadyFired == 0 && skipped == 0 && failures.isEmpty();
    }
}
