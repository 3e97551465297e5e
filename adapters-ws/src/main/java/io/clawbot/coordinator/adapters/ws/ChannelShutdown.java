package io.clawbot.coordinator.adapters.ws;

import io.clawbot.coordinator.application.bot.BotConnections;
import io.clawbot.coordinator.domain.bot.port.BotChannel.Connection;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A graceful stop: assignments this replica's bots have not accepted yet go back to pending at once (so no
 * task waits for a lease to run out), then every socket is closed with 1001 so bots reconnect elsewhere.
 * Tasks already running stay with their bots through the reconnect grace.
 *
 * <p>It runs at the start of the shutdown delay ({@code quarkus.shutdown.delay}), while the HTTP server still
 * serves: once the server stops it closes every socket itself, with 1000, which tells a bot to stop rather than
 * to reconnect. Without a delay it runs on {@link ShutdownEvent}, as early as it can.
 */
@ApplicationScoped
public class ChannelShutdown {

    private static final Logger LOG = Logger.getLogger(ChannelShutdown.class);
    private static final Duration BUDGET = Duration.ofSeconds(10);

    private final AtomicBoolean draining = new AtomicBoolean();
    private final BotSessions sessions;
    private final BotConnections connections;

    public ChannelShutdown(BotSessions sessions, BotConnections connections) {
        this.sessions = sessions;
        this.connections = connections;
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        drain();
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        drain();
    }

    private void drain() {
        List<Connection> bots = sessions.connections();
        if (bots.isEmpty() || !draining.compareAndSet(false, true)) {
            return;
        }
        List<Uni<Integer>> releases = new ArrayList<>(bots.size());
        for (Connection bot : bots) {
            releases.add(connections.releaseUnaccepted(bot.botId()).onFailure().recoverWithItem(0));
        }
        try {
            int released = Uni.join().all(releases).andFailFast()
                    .map(counts -> counts.stream().mapToInt(Integer::intValue).sum())
                    .await().atMost(BUDGET);
            sessions.closeAll("coordinator shutting down").await().atMost(BUDGET);
            LOG.infof("closed %d bot connection(s); %d unaccepted assignment(s) returned to pending", bots.size(),
                    released);
        } catch (RuntimeException e) {
            LOG.warn("graceful channel shutdown did not finish; leases will return the remaining tasks", e);
        }
    }
}
