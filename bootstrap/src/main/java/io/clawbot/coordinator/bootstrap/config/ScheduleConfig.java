package io.clawbot.coordinator.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How cron schedules are swept and fired (docs/schedules.md). */
@ConfigMapping(prefix = "coordinator.schedules")
public interface ScheduleConfig {

    /** How often each replica looks for schedules whose time has come; bounds how late an occurrence fires. */
    @WithDefault("1s")
    Duration sweepInterval();

    /**
     * How late an occurrence may be found and still fire as usual. One found later (the coordinator was down) is
     * a misfire, handled by the schedule's misfire policy. Keep it well above the sweep interval.
     */
    @WithDefault("60s")
    Duration misfireThreshold();

    /** Most schedules fired per sweep; the rest wait for the next sweep. */
    @WithDefault("100")
    int sweepBatch();
}
