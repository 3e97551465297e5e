package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.application.bot.BotHealthWatch;
import io.clawbot.coordinator.bootstrap.config.BotsConfig;
import io.clawbot.coordinator.domain.health.BotHealth;
import io.clawbot.coordinator.domain.health.port.BotHealthStore;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Bots judged by how they work: the watch hears the work's writes (it is one of the listeners the stores are given,
 * see {@code ObservabilityWiring}), folds them into the shared scores every flush interval, reads the quarantines
 * every refresh interval, and logs and counts each quarantine it decides.
 */
@ApplicationScoped
public class BotHealthWiring {

    private static final Logger LOG = Logger.getLogger(BotHealthWiring.class);

    @Produces
    @Singleton
    @Typed(BotHealthWatch.class)
    BotHealthWatch botHealthWatch(BotHealthStore store, BotsConfig config, WorkSignal signal, InstantSource clock) {
        BotsConfig.Health health = config.health();
        return new BotHealthWatch(store, new BotHealth.Rules(health.weight(), health.threshold(),
                health.minSamples(), health.coolDown()), signal, clock);
    }

    /** Starts the flushes and the refreshes on Vert.x timers; each skips a turn while the previous one runs. */
    void onStart(@Observes StartupEvent event, Vertx vertx, BotHealthWatch watch, BotsConfig config,
            MeterRegistry registry) {
        Gauge.builder("clawbot.bots.quarantined", watch, BotHealthWatch::quarantinedNow)
                .description("Bot and task type pairs quarantined now, as this replica knows").register(registry);
        AtomicBoolean flushing = new AtomicBoolean();
        vertx.setPeriodic(config.health().flushInterval().toMillis(), id -> {
            if (!flushing.compareAndSet(false, true)) {
                return;
            }
            watch.flush().subscribe().with(newly -> {
                flushing.set(false);
                for (BotHealth h : newly) {
                    LOG.warnf("bot %s is quarantined for type '%s' until %s: %s", h.botId(), h.type(),
                            h.quarantinedUntil(), h.reason());
                    Counter.builder("clawbot.bot.quarantines")
                            .description("Quarantines of a bot for a task type, decided by this replica")
                            .tag("type", h.type()).register(registry).increment();
                }
            }, failure -> {
                flushing.set(false);
                LOG.warnf(failure, "bot health scores were not written; their outcomes are not counted");
            });
        });
        AtomicBoolean refreshing = new AtomicBoolean();
        vertx.setPeriodic(config.health().refreshInterval().toMillis(), id -> {
            if (!refreshing.compareAndSet(false, true)) {
                return;
            }
            watch.refresh().subscribe().with(ignored -> refreshing.set(false), failure -> {
                refreshing.set(false);
                LOG.debug("the quarantines were not read; the next refresh tries again", failure);
            });
        });
    }
}
