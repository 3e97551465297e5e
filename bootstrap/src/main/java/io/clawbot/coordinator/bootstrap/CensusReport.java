package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.adapters.persistence.redis.ReplicaName;
import io.clawbot.coordinator.adapters.ws.BotSessions;
import io.clawbot.coordinator.adapters.ws.LogFields;
import io.clawbot.coordinator.application.insight.RecentDispatches;
import io.clawbot.coordinator.domain.dispatch.port.ReplicaCensus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/** Tells the census how many bots are connected here, every {@link #INTERVAL}. */
@ApplicationScoped
public class CensusReport {

    static final Duration INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(CensusReport.class);

    private final ReplicaCensus census;
    private final BotSessions sessions;
    private final ReplicaName name;
    private final RecentDispatches dispatches;

    public CensusReport(ReplicaCensus census, BotSessions sessions, ReplicaName name, RecentDispatches dispatches) {
        this.census = census;
        this.sessions = sessions;
        this.name = name;
        this.dispatches = dispatches;
    }

    /** A replica joins: it reports at once, so the others count it before its first scheduled report. */
    void join(@Observes StartupEvent start) {
        report();
        try (var fields = LogFields.of("replica", name.value())) {
            LOG.infof("replica %s joined: it takes bot sessions and requests, and dispatches", name.value());
        }
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void report() {
        census.report(sessions.connections().size(), dispatches.lastWindow());
    }

    /** A replica that stops leaves the census, so the one that publishes the cluster's gauges changes at once. */
    void leave(@Observes ShutdownEvent stop) {
        try (var fields = LogFields.of("replica", name.value())) {
            LOG.infof("replica %s is draining: it offers no new work, hands unaccepted assignments back and "
                    + "closes its %d bot session(s), which reconnect elsewhere", name.value(),
                    sessions.connections().size());
        }
        census.leave().await().atMost(Duration.ofSeconds(1));
    }
}
