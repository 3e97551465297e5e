package io.clawbot.coordinator.application.schedule;

import io.clawbot.coordinator.application.task.SubmitTask;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.ScheduleId;
import io.clawbot.coordinator.domain.schedule.DueOccurrence;
import io.clawbot.coordinator.domain.schedule.Schedule;
import io.clawbot.coordinator.domain.schedule.port.CronCalendar;
import io.clawbot.coordinator.domain.schedule.port.CronRule;
import io.clawbot.coordinator.domain.schedule.port.ScheduleStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * Fires the schedules whose time has come. Any replica may sweep at any time, several at once: each occurrence
 * is created with an idempotency key derived from the schedule and the occurrence, then the schedule is advanced
 * with a write conditional on the occurrence it fired. Replicas racing on one occurrence therefore create one
 * task (the others get the first one back) and one of them advances; a replica that dies between the two steps
 * leaves the occurrence due, and whoever fires it again gets the same task back.
 */
public final class ScheduleFiring {

    private final ScheduleStore schedules;
    private final CronCalendar calendar;
    private final SubmitTask tasks;
    private final WorkflowLifecycle workflows;
    private final InstantSource clock;
    private final Duration misfireThreshold;

    /**
     * @param misfireThreshold how late an occurrence may be and still fire as usual; a later one is a misfire,
     *        handled by the schedule's misfire policy
     */
    public ScheduleFiring(ScheduleStore schedules, CronCalendar calendar, SubmitTask tasks,
            WorkflowLifecycle workflows, InstantSource clock, Duration misfireThreshold) {
        if (misfireThreshold.isNegative()) {
            throw new IllegalArgumentException("misfire threshold must not be negative");
        }
        this.schedules = schedules;
        this.calendar = calendar;
        this.tasks = tasks;
        this.workflows = workflows;
        this.clock = clock;
        this.misfireThreshold = misfireThreshold;
    }

    /** The idempotency key of one occurrence of one schedule. */
    public static String occurrenceKey(ScheduleId id, Instant occurrence) {
        return "schedule:" + id + ":" + occurrence.toEpochMilli();
    }

    /**
     * Fires one due occurrence of each of up to {@code limit} due schedules, one schedule after another. A
     * schedule with a backlog of on-time occurrences fires the next one in the next sweep. Never fails for one
     * schedule's sake: what went wrong is in the report.
     */
    public Uni<SweepReport> fireDue(int limit) {
        return schedules.due(limit).flatMap(this::fireAll);
    }

    private Uni<SweepReport> fireAll(List<Schedule> due) {
        if (due.isEmpty()) {
            return Uni.createFrom().item(SweepReport.EMPTY);
        }
        return Multi.createFrom().iterable(due)
                .onItem().transformToUniAndConcatenate(this::fire)
                .collect().asList()
                .map(reports -> reports.stream().reduce(SweepReport.EMPTY, SweepReport::plus));
    }

    private Uni<SweepReport> fire(Schedule schedule) {
        CronRule rule;
        try {
            rule = calendar.parse(schedule.cron(), schedule.zone());
        } catch (ValidationException e) {
            // Saved schedules parse; one that no longer does cannot say when it fires next: it stops.
            return schedules.advance(schedule.id(), schedule.nextFireAt(), null, null)
                    .replaceWith(failed(schedule, "its expression no longer parses (" + e.getMessage()
                            + "); it will not fire again until it is replaced", e));
        }
        Optional<DueOccurrence> due = schedule.dueAt(clock.instant(), rule, misfireThreshold);
        if (due.isEmpty()) {
            // Due by the database's clock, not yet by ours: the next sweep fires it.
            return Uni.createFrom().item(SweepReport.EMPTY);
        }
        DueOccurrence occurrence = due.get();
        if (!occurrence.fire()) {
            return schedules.advance(schedule.id(), occurrence.occurrence(), occurrence.nextFireAt(), null)
                    .map(advanced -> advanced ? new SweepReport(0, 0, 1, List.of()) : SweepReport.EMPTY);
        }
        return create(schedule, occurrence.occurrence())
                .flatMap(replayed -> schedules.advance(schedule.id(), occurrence.occurrence(),
                        occurrence.nextFireAt(), clock.instant())
                        .replaceWith(replayed
                                ? new SweepReport(0, 1, 0, List.of())
                                : new SweepReport(1, 0, 0, List.of())))
                .onFailure(ValidationException.class).recoverWithUni(e -> schedules
                        .advance(schedule.id(), occurrence.occurrence(), occurrence.nextFireAt(), null)
                        .replaceWith(failed(schedule, "its template no longer makes a valid request ("
                                + e.getMessage() + "); occurrence " + occurrence.occurrence() + " was skipped", e)))
                .onFailure(f -> !(f instanceof ValidationException)).recoverWithItem(
                        e -> failed(schedule, "occurrence " + occurrence.occurrence()
                                + " could not be fired; the next sweep tries again", e));
    }

    /**
     * Creates what the occurrence makes.
     *
     * @return whether it had been created already (by another replica, or before an interruption)
     */
    private Uni<Boolean> create(Schedule schedule, Instant occurrence) {
        IdempotencyKey key = new IdempotencyKey(occurrenceKey(schedule.id(), occurrence),
                ScheduleTemplates.fingerprint(schedule.target(), schedule.template()));
        Uni<Boolean> created = Uni.createFrom().deferred(() -> switch (schedule.target()) {
            case TASK -> tasks.submit(ScheduleTemplates.task(schedule.template(), key)).map(Created::replayed);
            case WORKFLOW -> workflows.create(ScheduleTemplates.workflow(schedule.template(), key))
                    .map(Created::replayed);
        });
        // The key was used for this occurrence with another template: the schedule was redefined while another
        // replica fired the occurrence. It was fired once, with the template of the time.
        return created.onFailure(IdempotencyKeyReusedException.class).recoverWithItem(true);
    }

    private static SweepReport failed(Schedule schedule, String reason, Throwable cause) {
        return new SweepReport(0, 0, 0, List.of(new SweepReport.Failure(schedule.id(), reason, cause)));
    }
}
