package io.clawbot.coordinator.bootstrap;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * At the start of a stop, the periodic jobs stop: sweeps, schedule firing, clean-up and clock measurements, and the
 * dispatch tick. None then starts against a database pool that is about to close, which would fail and be logged
 * as if something were wrong. What they would have done is done by the other replicas, or by this one when it is
 * back.
 */
@ApplicationScoped
public class PeriodicWorkStop {

    private final Scheduler scheduler;
    private final DispatchLoop dispatch;

    public PeriodicWorkStop(Scheduler scheduler, DispatchLoop dispatch) {
        this.scheduler = scheduler;
        this.dispatch = dispatch;
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        stop();
    }

    /** Without a shutdown delay, as early as the stop allows. */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        stop();
    }

    private void stop() {
        scheduler.pause();
        dispatch.stopTicking();
    }
}
