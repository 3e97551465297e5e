package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.application.schedule.ScheduleFiring;
import io.clawbot.coordinator.application.schedule.ScheduleLifecycle;
import io.clawbot.coordinator.application.task.SubmitTask;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.bootstrap.config.ScheduleConfig;
import io.clawbot.coordinator.bootstrap.schedule.CronUtilsCalendar;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.schedule.port.CronCalendar;
import io.clawbot.coordinator.domain.schedule.port.ScheduleStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.InstantSource;

/** Makes the schedule use cases into beans, with the cron library behind their calendar port. */
public class ScheduleWiring {

    @Produces
    @Singleton
    CronCalendar cronCalendar() {
        return new CronUtilsCalendar();
    }

    @Produces
    @Singleton
    ScheduleLifecycle scheduleLifecycle(ScheduleStore schedules, CronCalendar calendar, IdSource ids,
            InstantSource clock) {
        return new ScheduleLifecycle(schedules, calendar, ids, clock);
    }

    @Produces
    @Singleton
    ScheduleFiring scheduleFiring(ScheduleStore schedules, CronCalendar calendar, SubmitTask tasks,
            WorkflowLifecycle workflows, InstantSource clock, ScheduleConfig config) {
        return new ScheduleFiring(schedules, calendar, tasks, workflows, clock, config.misfireThreshold());
    }
}
