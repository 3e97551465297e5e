package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.adapters.ws.BotSessions;
import io.clawbot.coordinator.domain.dispatch.port.ReplicaCensus;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/** Tells the census how many bots are connected here, every {@link #INTERVAL}. */
@ApplicationScoped
public class CensusReport {

    static final Duration INTERVAL = Duration.ofSeconds(5);

    private final ReplicaCensus census;
    private final BotSessions sessions;

    public CensusReport(ReplicaCensus census, BotSessions sessions) {
        this.census = census;
        this.sessions = sessions;
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void report() {
        census.report(sessions.connections().size());
    }

    /** A replica that stops leaves the census, so the one that publishes the cluster's gauges changes at once. */
    void leave(@Observes ShutdownEvent stop) {
        census.leave().await().atMost(Duration.ofSeconds(1));
    }
}
