package io.clawbot.coordinator.application.schedule;

import static io.clawbot.coordinator.application.fakes.FakeWorld.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.application.fakes.FakeCronCalendar;
import io.clawbot.coordinator.application.fakes.FakeScheduleStore;
import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.fakes.UseCases;
import io.clawbot.coordinator.application.task.SubmitTaskCommand;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.application.workflow.WorkflowWithTasks;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.schedule.MisfirePolicy;
import io.clawbot.coordinator.domain.schedule.Schedule;
import io.clawbot.coordinator.domain.schedule.ScheduleSpec;
import io.clawbot.coordinator.domain.schedule.ScheduleTarget;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleFiringTest {

    private static final Duration THRESHOLD = Duration.ofSeconds(60);
    private static final Map<String, Object> BUILD = Map.of("type", "build", "payload", Map.of("ref", "main"));

    private final FakeWorld world = new FakeWorld();
    private final FakeScheduleStore store = new FakeScheduleStore(world.clock);
    private final FakeCronCalendar calendar = new FakeCronCalendar();
    private final UseCases app = new UseCases(world);
    private final WorkflowLifecycle workflows = app.workflows;
    private final ScheduleLifecycle schedules = new ScheduleLifecycle(store, calendar, world.ids, world.clock);
    private final ScheduleFiring firing = firing(THRESHOLD);

    private ScheduleFiring firing(Duration threshold) {
        return new ScheduleFiring(store, calendar, app.submit, workflows, world.clock, threshold);
    }

    private Schedule everyMinute(MisfirePolicy policy) {
        return schedules.create(new ScheduleSpec("build", null, "* * * * *", "UTC", ScheduleTarget.TASK, BUILD, true,
                policy)).await().indefinitely();
    }

    private static SweepReport sweep(ScheduleFiring firing) {
        return firing.fireDue(100).await().indefinitely();
    }

    private static Instant minute(int minutesAfterNoon) {
        return START.plus(Duration.ofMinutes(minutesAfterNoon));
    }

    /** The task fired for this occurrence: submitting under its key again replays it. */
    private Task firedTask(Schedule schedule, Instant occurrence) {
        IdempotencyKey key = new IdempotencyKey(ScheduleFiring.occurrenceKey(schedule.id(), occurrence),
                ScheduleTemplates.fingerprint(ScheduleTarget.TASK, schedule.template()));
        Created<Task> again = app.submit.submit(new SubmitTaskCommand(TaskSpec.of("build", 0, Map.of(), 300), key))
                .await().indefinitely();
        assertThat(again.replayed()).as("a task was fired for " + occurrence).isTrue();
        return again.resource();
    }

    @Test
    void nothing_fires_before_the_occurrence() {
        everyMinute(MisfirePolicy.SKIP);
        world.clock.set(minute(1).minusMillis(1));

        assertThat(sweep(firing).isEmpty()).isTrue();
        assertThat(world.db.taskCount()).isZero();
    }

    @Test
    void an_occurrence_fires_once_and_the_schedule_then_waits_for_the_next() {
        Schedule schedule = everyMinute(MisfirePolicy.SKIP);
        world.clock.set(minute(1).plusSeconds(5));

        SweepReport first = sweep(firing);
        SweepReport second = sweep(firing);

        assertThat(first).isEqualTo(new SweepReport(1, 0, 0, List.of()));
        assertThat(second.isEmpty()).isTrue();
        assertThat(world.db.taskCount()).isEqualTo(1);
        Task task = firedTask(schedule, minute(1));
        assertThat(task.type()).isEqualTo("build");
        assertThat(task.payload()).isEqualTo(Map.of("ref", "main"));
        Schedule stored = store.stored(schedule.id());
        assertThat(stored.nextFireAt()).isEqualTo(minute(2));
        assertThat(stored.lastFiredAt()).isEqualTo(minute(1).plusSeconds(5));
        assertThat(world.signal.count()).isPositive();
    }

    @Test
    void a_backlog_within_the_threshold_fires_every_occurrence_once_in_order() {
        Schedule schedule = everyMinute(MisfirePolicy.SKIP);
        store.setNextFireAt(schedule.id(), minute(-10));
        world.clock.set(minute(0).plusSeconds(30));
        ScheduleFiring patient = firing(Duration.ofHours(2));

        int fired = 0;
        for (SweepReport report = sweep(patient); !report.isEmpty(); report = sweep(patient)) {
            fired += report.fired();
        }

        assertThat(fired).isEqualTo(11);
        assertThat(world.db.taskCount()).isEqualTo(11);
        for (int m = -10; m <= 0; m++) {
            firedTask(schedule, minute(m));
        }
        assertThat(store.stored(schedule.id()).nextFireAt()).isEqualTo(minute(1));
    }

    @Test
    void after_downtime_a_skip_schedule_fires_nothing_and_waits_for_the_next_occurrence_after_now() {
        Schedule schedule = everyMinute(MisfirePolicy.SKIP);
        world.clock.set(minute(180).plusSeconds(10));

        SweepReport report = sweep(firing);

        assertThat(report).isEqualTo(new SweepReport(0, 0, 1, List.of()));
        assertThat(world.db.taskCount()).isZero();
        Schedule stored = store.stored(schedule.id());
        assertThat(stored.nextFireAt()).isEqualTo(minute(181));
        assertThat(stored.lastFiredAt()).isNull();
        assertThat(sweep(firing).isEmpty()).isTrue();
    }

    @Test
    void after_downtime_a_fire_once_schedule_fires_exactly_once_and_waits_for_the_next_occurrence_after_now() {
        Schedule schedule = everyMinute(MisfirePolicy.FIRE_ONCE);
        world.clock.set(minute(180).plusSeconds(10));

        SweepReport report = sweep(firing);
        SweepReport again = sweep(firing);

        assertThat(report).isEqualTo(new SweepReport(1, 0, 0, List.of()));
        assertThat(again.isEmpty()).isTrue();
        assertThat(world.db.taskCount()).isEqualTo(1);
        firedTask(schedule, minute(1));
        assertThat(store.stored(schedule.id()).nextFireAt()).isEqualTo(minute(181));
    }

    @Test
    void a_disabled_schedule_never_fires() {
        Schedule schedule = everyMinute(MisfirePolicy.FIRE_ONCE);
        schedules.disable(schedule.id()).await().indefinitely();
        world.clock.set(minute(120));

        assertThat(sweep(firing).isEmpty()).isTrue();
        assertThat(world.db.taskCount()).isZero();
    }

    @Test
    void a_replica_sweeping_between_another_ones_creation_and_advance_creates_nothing_more() {
        Schedule schedule = everyMinute(MisfirePolicy.SKIP);
        world.clock.set(minute(1));
        ScheduleFiring other = firing(THRESHOLD);
        List<SweepReport> otherReports = new ArrayList<>();
        store.beforeNextAdvance(() -> otherReports.add(sweep(other)));

        SweepReport report = sweep(firing);

        assertThat(report.fired()).isEqualTo(1);
        assertThat(otherReports).containsExactly(new SweepReport(0, 1, 0, List.of()));
        assertThat(world.db.taskCount()).isEqualTo(1);
        assertThat(store.advances()).isEqualTo(1);
        assertThat(store.stored(schedule.id()).nextFireAt()).isEqualTo(minute(2));
    }

    @Test
    void a_replica_that_read_the_due_list_before_another_one_fired_it_creates_nothing_more() {
        everyMinute(MisfirePolicy.SKIP);
        world.clock.set(minute(1));
        ScheduleFiring other = firing(THRESHOLD);
        List<SweepReport> otherReports = new ArrayList<>();
        store.afterNextDue(() -> otherReports.add(sweep(other)));

        SweepReport report = sweep(firing);

        assertThat(otherReports).containsExactly(new SweepReport(1, 0, 0, List.of()));
        assertThat(report).isEqualTo(new SweepReport(0, 1, 0, List.of()));
        assertThat(world.db.taskCount()).isEqualTo(1);
        assertThat(store.advances()).isEqualTo(1);
    }

    @Test
    void an_occurrence_whose_replica_died_before_advancing_fires_again_without_a_second_task() {
        Schedule schedule = everyMinute(MisfirePolicy.SKIP);
        world.clock.set(minute(1));
        store.failNextAdvance();

        SweepReport interrupted = sweep(firing);
        SweepReport retried = sweep(firing);

        assertThat(interrupted.failures()).singleElement()
                .satisfies(f -> assertThat(f.scheduleId()).isEqualTo(schedule.id()));
        assertThat(retried).isEqualTo(new SweepReport(0, 1, 0, List.of()));
        assertThat(world.db.taskCount()).isEqualTo(1);
        assertThat(store.stored(schedule.id()).nextFireAt()).isEqualTo(minute(2));
    }

    @Test
    void an_occurrence_already_fired_with_another_template_is_not_fired_again() {
        Schedule schedule = everyMinute(MisfirePolicy.SKIP);
        app.submit.submit(new SubmitTaskCommand(TaskSpec.of("build", 0, Map.of("old", true), 300), new IdempotencyKey(
                ScheduleFiring.occurrenceKey(schedule.id(), minute(1)), "the template before it was replaced")))
                .await().indefinitely();
        world.clock.set(minute(1));

        SweepReport report = sweep(firing);

        assertThat(report).isEqualTo(new SweepReport(0, 1, 0, List.of()));
        assertThat(world.db.taskCount()).isEqualTo(1);
        assertThat(store.stored(schedule.id()).nextFireAt()).isEqualTo(minute(2));
    }

    @Test
    void a_workflow_schedule_starts_one_workflow_per_occurrence() {
        Map<String, Object> template = Map.of("name", "nightly", "task_type", "render", "task_payloads",
                List.of(Map.of("step", 1), Map.of("step", 2)));
        Schedule schedule = schedules.create(new ScheduleSpec("nightly", null, "0 * * * *", "UTC",
                ScheduleTarget.WORKFLOW, template, true, MisfirePolicy.SKIP)).await().indefinitely();
        world.clock.set(minute(60));

        SweepReport report = sweep(firing);

        assertThat(report.fired()).isEqualTo(1);
        assertThat(world.db.taskCount()).isEqualTo(2);
        IdempotencyKey key = new IdempotencyKey(ScheduleFiring.occurrenceKey(schedule.id(), minute(60)),
                ScheduleTemplates.fingerprint(ScheduleTarget.WORKFLOW, template));
        Created<WorkflowWithTasks> again = workflows.create(ScheduleTemplates.workflow(template, key))
                .await().indefinitely();
        assertThat(again.replayed()).isTrue();
        assertThat(again.resource().workflow().name()).isEqualTo("nightly");
        assertThat(again.resource().tasks()).extracting(Task::type).containsExactly("render", "render");
    }

    @Test
    void a_schedule_whose_template_no_longer_makes_a_request_skips_the_occurrence_and_says_why() {
        Schedule valid = everyMinute(MisfirePolicy.SKIP);
        Schedule broken = new Schedule(valid.id(), valid.name(), null, valid.cron(), valid.timeZone(),
                ScheduleTarget.TASK, Map.of("priority", 5000), true, MisfirePolicy.SKIP, valid.nextFireAt(), null,
                valid.createdAt(), valid.updatedAt(), valid.version());
        store.insert(broken);
        world.clock.set(minute(1));

        SweepReport report = sweep(firing);

        assertThat(report.fired()).isZero();
        assertThat(report.failures()).singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("template.priority"));
        assertThat(world.db.taskCount()).isZero();
        assertThat(store.stored(valid.id()).nextFireAt()).isEqualTo(minute(2));
        assertThat(store.stored(valid.id()).lastFiredAt()).isNull();
    }

    private static io.smallrye.mutiny.Uni<io.clawbot.coordinator.domain.task.Task> reportTask(UseCases app,
            io.clawbot.coordinator.application.task.TaskReport report) {
        return app.report.report(report).map(io.clawbot.coordinator.application.task.Reported::task);
    }
}
