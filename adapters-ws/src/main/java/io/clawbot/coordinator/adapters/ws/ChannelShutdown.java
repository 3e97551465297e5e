package io.clawbot.coordinator.adapters.ws;

import io.clawbot.coordinator.application.bot.BotConnections;
import io.clawbot.coordinator.domain.bot.port.BotChannel.Connection;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A graceful stop: assignments this replica's bots have not accepted yet go back to pending at once (so no
 * task waits for a lease to run out), then every socket is closed with 1001 so bots reconnect elsewhere.
 * Tasks already running stay with their bots through the reconnect grace.
 */
@ApplicationScoped
public class ChannelShutdown {

    private static final Logger LOG = Logger.getLogger(ChannelShutdown.class);
    private static final Duration BUDGET = Duration.ofSeconds(10);

    private final BotSessions sessions;
    private final BotConnections connections;

    public ChannelShutdown(BotSessions sessions, BotConnections connections) {
        this.sessions = sessions;
        this.connections = connections;
    }

    void onStop(@Observes ShutdownEvent event) {
        List<Connection> bots = sessions.connections();
        if (bots.isEmpty()) {
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
