package io.clawbot.coordinator.bootstrap.schedule;

import io.clawbot.coordinator.adapters.ws.LogFields;
import io.clawbot.coordinator.bootstrap.metrics.ServiceMeters;
import io.clawbot.coordinator.application.schedule.ScheduleFiring;
import io.clawbot.coordinator.application.schedule.SweepReport;
import io.clawbot.coordinator.bootstrap.config.ScheduleConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Fires due schedules on every replica. The replicas need no coordination: an occurrence fires once however
 * many of them sweep it at the same time (see {@link ScheduleFiring}).
 */
@ApplicationScoped
public class ScheduleSweep {

    private static final Logger LOG = Logger.getLogger(ScheduleSweep.class);

    private final ScheduleFiring firing;
    private final ScheduleConfig config;

    private final ServiceMeters meters;

    public ScheduleSweep(ScheduleFiring firing, ScheduleConfig config, ServiceMeters meters) {
        this.meters = meters;
        this.firing = firing;
        this.config = config;
    }

    @Scheduled(every = "${coordinator.schedules.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return firing.fireDue(config.sweepBatch())
                .invoke(meters::schedules)
                .invoke(ScheduleSweep::log)
                .onFailure().invoke(failure -> LOG.warn("schedule sweep failed; the next sweep retries", failure))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private static void log(SweepReport report) {
        if (report.fired() > 0 || report.skipped() > 0) {
            LOG.infof("schedules: fired %d occurrence(s), skipped %d misfired one(s)", report.fired(),
                    report.skipped());
        }
        for (SweepReport.Failure failure : report.failures()) {
            try (var fields = LogFields.of("schedule_id", failure.scheduleId())) {
                LOG.warnf(failure.cause(), "schedule %s: %s", failure.scheduleId(), failure.reason());
            }
        }
    }
}
