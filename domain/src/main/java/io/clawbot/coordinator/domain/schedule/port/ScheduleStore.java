package io.clawbot.coordinator.domain.schedule.port;

import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.ScheduleId;
import io.clawbot.coordinator.domain.schedule.Schedule;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/** Durable store of schedules. Every replica sweeps it; firing once is arranged by {@link #advance}. */
public interface ScheduleStore {

    /** Stores a new schedule; fails with a {@code ConflictException} ({@code schedule-name-taken}) for a taken name. */
    Uni<Schedule> create(Schedule schedule);

    /** The schedule, or {@code null} when none has this id. */
    Uni<Schedule> findById(ScheduleId id);

    /** Schedules, oldest first. */
    Uni<List<Schedule>> list(PageRequest page);

    /**
     * Writes a changed schedule if the stored one is still at {@code expectedVersion}, raising its version.
     *
     * @return the schedule as stored
     * @throws io.clawbot.coordinator.domain.common.ConflictException {@code concurrent-modification} when it is
     *         not (or no longer exists); {@code schedule-name-taken} for a taken name
     */
    Uni<Schedule> update(Schedule schedule, long expectedVersion);

    /** Deletes the schedule; {@code false} when there was none. */
    Uni<Boolean> delete(ScheduleId id);

    /**
     * Up to {@code limit} enabled schedules whose next fire time has come by the store's clock, earliest first.
     * Replicas sweeping together may all see the same ones.
     */
    Uni<List<Schedule>> due(int limit);

    /**
     * Moves a schedule on from the occurrence it fired (or skipped), in one conditional write: only if its next
     * fire time is still {@code expectedNextFireAt}. Of replicas racing on one occurrence, exactly one advances.
     *
     * @param newNextFireAt the occurrence to wait for next; {@code null} when there is none
     * @param firedAt when something was created for the occurrence; {@code null} when it was skipped, which keeps
     *        the last fire time
     * @return whether this call advanced it
     */
    Uni<Boolean> advance(ScheduleId id, Instant expectedNextFireAt, Instant newNextFireAt, Instant firedAt);
}
