package io.clawbot.coordinator.adapters.ws;

import io.clawbot.coordinator.application.bot.BotConnections;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel.Connection;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A graceful stop. The bots here are offered no more work; the acceptances of assignments already pushed are
 * awaited briefly (they are usually one round trip away, and releasing an assignment the bot has started would
 * have it run twice); what is still unaccepted then goes back to pending at once, so no task waits for a lease to
 * run out; and every socket is closed with 1001 so bots reconnect elsewhere. Tasks already running stay with
 * their bots through the reconnect grace.
 *
 * <p>It runs at the start of the shutdown delay ({@code quarkus.shutdown.delay}), while the HTTP server still
 * serves: once the server stops it closes every socket itself, with 1000, which tells a bot to stop rather than
 * to reconnect. Without a delay it runs on {@link ShutdownEvent}, as early as it can.
 */
@ApplicationScoped
public class ChannelShutdown {

    private static final Logger LOG = Logger.getLogger(ChannelShutdown.class);
    private static final Duration BUDGET = Duration.ofSeconds(10);
    /** How long acceptances already on their way are waited for. */
    private static final Duration ACCEPTANCE_WAIT = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(50);

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
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        List<Connection> bots = sessions.connections();
        sessions.stopOffering();
        if (bots.isEmpty()) {
            return;
        }
        awaitAcceptances(bots);
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

    /** Waits until the bots here have accepted every assignment pushed to them, or {@link #ACCEPTANCE_WAIT}. */
    private void awaitAcceptances(List<Connection> bots) {
        long deadline = System.nanoTime() + ACCEPTANCE_WAIT.toNanos();
        try {
            while (unaccepted(bots) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debugf("counting unaccepted assignments failed (%s); releasing them now", e.getMessage());
        }
    }

    private int unaccepted(List<Connection> bots) {
        List<Uni<Integer>> counts = new ArrayList<>(bots.size());
        for (Connection bot : bots) {
            counts.add(connections.unacceptedCount(bot.botId()));
        }
        return Uni.join().all(counts).andFailFast()
                .map(all -> all.stream().mapToInt(Integer::intValue).sum())
                .await().atMost(BUDGET);
    }
}
