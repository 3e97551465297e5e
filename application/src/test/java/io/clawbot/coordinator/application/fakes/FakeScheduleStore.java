package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.ScheduleId;
import io.clawbot.coordinator.domain.schedule.Schedule;
import io.clawbot.coordinator.domain.schedule.port.ScheduleStore;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Schedules in memory with the port's contract: unique names, writes conditional on the version and raising
 * it, due schedules by the store's clock, and the conditional advance. A test can stage races: run a competing
 * sweep between another sweep's read and its advance, or let an advance fail as if the replica had died.
 */
public final class FakeScheduleStore implements ScheduleStore {

    private final InstantSource clock;
    private final Map<ScheduleId, Schedule> rows = new LinkedHashMap<>();
    private final Deque<Runnable> afterDue = new ArrayDeque<>();
    private final Deque<Runnable> beforeAdvance = new ArrayDeque<>();
    private int advances;

    /** @param clock the "database clock" that decides what is due */
    public FakeScheduleStore(InstantSource clock) {
        this.clock = clock;
    }

    /** Runs {@code competitor} after the next {@link #due} has read its schedules, before they are returned. */
    public FakeScheduleStore afterNextDue(Runnable competitor) {
        afterDue.add(competitor);
        return this;
    }

    /** Runs {@code competitor} just before the next advance is written. */
    public FakeScheduleStore beforeNextAdvance(Runnable competitor) {
        beforeAdvance.add(competitor);
        return this;
    }

    /** The next advance fails as if the replica died after creating the occurrence; nothing is written. */
    public FakeScheduleStore failNextAdvance() {
        beforeAdvance.add(() -> {
            throw new IllegalStateException("the replica died before advancing the schedule");
        });
        return this;
    }

    /** The stored schedule, or {@code null}. */
    public synchronized Schedule stored(ScheduleId id) {
        return rows.get(id);
    }

    /** Successful advances so far. */
    public synchronized int advances() {
        return advances;
    }

    /** Sets a schedule's next fire time straight in the table, as a fixture (e.g. to stage downtime). */
    public synchronized void setNextFireAt(ScheduleId id, Instant next) {
        Schedule s = rows.get(id);
        rows.put(id, copy(s, next, s.lastFiredAt(), s.version()));
    }

    /** Puts a schedule straight into the table, as a fixture, bypassing every check. */
    public synchronized void insert(Schedule schedule) {
        rows.put(schedule.id(), schedule);
    }

    @Override
    public Uni<Schedule> create(Schedule schedule) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                checkName(schedule);
                if (rows.containsKey(schedule.id())) {
                    throw new IllegalStateException("duplicate schedule id " + schedule.id());
                }
                rows.put(schedule.id(), schedule);
                return schedule;
            }
        });
    }

    @Override
    public Uni<Schedule> findById(ScheduleId id) {
        return Uni.createFrom().item(() -> stored(id));
    }

    @Override
    public Uni<List<Schedule>> list(PageRequest page) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                return rows.values().stream()
                        .sorted(Comparator.comparing(Schedule::createdAt).thenComparing(s -> s.id().value()))
                        .skip(page.offset())
                        .limit(page.limit())
                        .toList();
            }
        });
    }

    @Override
    public Uni<Schedule> update(Schedule schedule, long expectedVersion) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                Schedule current = rows.get(schedule.id());
                if (current == null || current.version() != expectedVersion) {
                    throw ConflictException.concurrentModification("Schedule " + schedule.id());
                }
                checkName(schedule);
                Schedule written = copy(schedule, schedule.nextFireAt(), schedule.lastFiredAt(), expectedVersion + 1);
                rows.put(schedule.id(), written);
                return written;
            }
        });
    }

    @Override
    public Uni<Boolean> delete(ScheduleId id) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                return rows.remove(id) != null;
            }
        });
    }

    @Override
    public Uni<List<Schedule>> due(int limit) {
        return Uni.createFrom().item(() -> {
            List<Schedule> due;
            Runnable race;
            synchronized (this) {
                Instant now = clock.instant();
                due = rows.values().stream()
                        .filter(s -> s.enabled() && s.nextFireAt() != null && !s.nextFireAt().isAfter(now))
                        .sorted(Comparator.comparing(Schedule::nextFireAt))
                        .limit(limit)
                        .toList();
                race = afterDue.poll();
            }
            if (race != null) {
                race.run();
            }
            return due;
        });
    }

    @Override
    public Uni<Boolean> advance(ScheduleId id, Instant expectedNextFireAt, Instant newNextFireAt, Instant firedAt) {
        return Uni.createFrom().item(() -> {
            Runnable race;
            synchronized (this) {
                race = beforeAdvance.poll();
            }
            if (race != null) {
                race.run();
            }
            synchronized (this) {
                Schedule current = rows.get(id);
                if (current == null || !Objects.equals(current.nextFireAt(), expectedNextFireAt)) {
                    return false;
                }
                rows.put(id, copy(current, newNextFireAt, firedAt == null ? current.lastFiredAt() : firedAt,
                        current.version() + 1));
                advances++;
                return true;
            }
        });
    }

    private void checkName(Schedule schedule) {
        boolean taken = rows.values().stream()
                .anyMatch(s -> s.name().equals(schedule.name()) && !s.id().equals(schedule.id()));
        if (taken) {
            throw new ConflictException("schedule-name-taken",
                    "A schedule named '" + schedule.name() + "' already exists");
        }
    }

    private static Schedule copy(Schedule s, Instant next, Instant lastFiredAt, long version) {
        return new Schedule(s.id(), s.name(), s.description(), s.cron(), s.timeZone(), s.target(), s.template(),
                s.enabled(), s.misfirePolicy(), next, lastFiredAt, s.createdAt(), s.updatedAt(), version);
    }
}
