package io.clawbot.coordinator.domain.insight;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The state of the work and the fleet at one moment, as the database has it: what waits, what runs, what ended
 * badly, and what the bots can take.
 *
 * @param pending pending tasks by type and priority, highest priority first
 * @param waiting workflow steps waiting for the steps they depend on
 * @param assigned tasks offered to a bot that has not accepted yet
 * @param inProgress tasks a bot is running
 * @param deadLetters tasks that failed or timed out for good
 * @param completedLastMinute tasks completed in the minute before {@code at}
 * @param bots bots by status ({@code online}, {@code busy}, {@code offline})
 * @param slots the slots of the bots that are not offline, and how many tasks they hold
 * @param at when it was read
 */
public record FleetStatus(List<PendingGroup> pending, long waiting, long assigned, long inProgress, long deadLetters,
        long completedLastMinute, Map<String, Long> bots, Slots slots, Instant at) {

    /**
     * @param type the task type, {@code null} for tasks any bot may take
     * @param ready pending tasks that may run now
     * @param delayed pending tasks whose run-at (a delay or a retry's backoff) lies ahead
     * @param oldestReadySince when the oldest ready one was created; {@code null} when none is ready
     */
    public record PendingGroup(String type, int priority, long ready, long delayed, Instant oldestReadySince) {

        public long pending() {
            return ready + delayed;
        }
    }

    /** @param total the slots of the bots online or busy; @param used tasks held by bots */
    public record Slots(long total, long used) {

        public long free() {
            return Math.max(0, total - used);
        }
    }

    public FleetStatus {
        pending = List.copyOf(pending);
        bots = Map.copyOf(bots);
    }

    public long pendingTotal() {
        return pending.stream().mapToLong(PendingGroup::pending).sum();
    }

    public long delayedTotal() {
        return pending.stream().mapToLong(PendingGroup::delayed).sum();
    }

    /** How long the oldest task that may run now has waited; zero when none waits. */
    public Duration oldestReadyAge() {
        return pending.stream().map(PendingGroup::oldestReadySince).filter(java.util.Objects::nonNull)
                .min(Instant::compareTo).map(since -> Duration.between(since, at)).filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
    }
}
