package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.application.task.Dispatcher;
import io.clawbot.coordinator.application.task.ExpireAttempts;
import io.clawbot.coordinator.bootstrap.metrics.ServiceMeters;
import io.clawbot.coordinator.bootstrap.config.DispatchConfig;
import io.clawbot.coordinator.domain.dispatch.port.ReplicaBus;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Turns "work may be available" signals into dispatch rounds, here and, through a hint on the {@link ReplicaBus},
 * on the other replicas. Signals that arrive while a round runs are
 * coalesced into one more round, so a burst of submissions costs a few rounds, not one each. A periodic tick
 * dispatches anyway (a lost signal only delays work by one tick), and a periodic sweep ends lapsed leases and
 * passed deadlines. A task that becomes due later (a retry's backoff, a delay) has no signal of its own: the replica
 * that wrote it sets a timer for its due time ({@link #dueAt}), so it waits for the tick only when that replica
 * stopped meanwhile or its wake-ups are full.
 */
@ApplicationScoped
public class DispatchLoop implements WorkSignal {

    private static final Logger LOG = Logger.getLogger(DispatchLoop.class);
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUN_AGAIN = 2;

    private final Dispatcher dispatcher;
    private final ExpireAttempts tasks;
    private final BotLifecycle bots;
    private final DispatchConfig config;
    private final ReplicaBus replicas;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final Vertx vertx;
    private final ServiceMeters meters;
    private long tickTimer;
    /** The due times, in {@link #WAKE_GRANULARITY_MS} slots, that a timer will wake a round for. */
    private final Set<Long> wakeUps = ConcurrentHashMap.newKeySet();

    /** Due times this close together share one wake-up: a burst of retries due at once costs one round. */
    static final long WAKE_GRANULARITY_MS = 20;
    /** A wake-up comes this long after the due time, so that the database's clock has passed it too. */
    static final long WAKE_MARGIN_MS = 15;
    /** Due times further ahead are left to the tick. */
    static final Duration MAX_WAKE_AHEAD = Duration.ofMinutes(5);
    /** The most wake-ups waiting at once; beyond them due tasks wait for the tick. */
    static final int MAX_WAKE_UPS = 10_000;

    public DispatchLoop(Dispatcher dispatcher, ExpireAttempts tasks, BotLifecycle bots, DispatchConfig config,
            ReplicaBus replicas, Vertx vertx, ServiceMeters meters) {
        this.meters = meters;
        this.replicas = replicas;
        this.vertx = vertx;
        this.dispatcher = dispatcher;
        this.tasks = tasks;
        this.bots = bots;
        this.config = config;
    }

    /** Work may be available here and on the other replicas: a local round, and a hint to the others. */
    @Override
    public void workMayBeAvailable() {
        replicas.announceWork();
        dispatchHere();
    }

    /** A bot connected here can take more: a local round; the other replicas' bots gain nothing from it. */
    @Override
    public void slotFreedHere() {
        dispatchHere();
    }

    /**
     * A task written here becomes due at {@code at}: a round on every replica then (its bots may be anywhere),
     * rather than at the next tick.
     */
    public void dueAt(Instant at, Instant now) {
        long wait = Duration.between(now, at).toMillis();
        if (wait <= 0 || wait > MAX_WAKE_AHEAD.toMillis() || wakeUps.size() >= MAX_WAKE_UPS) {
            return;
        }
        long slot = Math.floorDiv(at.toEpochMilli(), WAKE_GRANULARITY_MS) + 1;
        if (!wakeUps.add(slot)) {
            return;
        }
        long delay = Math.max(1, slot * WAKE_GRANULARITY_MS + WAKE_MARGIN_MS - now.toEpochMilli());
        vertx.setTimer(delay, id -> {
            wakeUps.remove(slot);
            workMayBeAvailable();
        });
    }

    /** Another replica said work may be available: a local round, without passing the hint on. */
    public void hintFromAnotherReplica() {
        dispatchHere();
    }

    private void dispatchHere() {
        if (state.getAndUpdate(s -> s == IDLE ? RUNNING : RUN_AGAIN) == IDLE) {
            round();
        }
    }

    private void round() {
        dispatcher.dispatch().subscribe().with(assigned -> next(), failure -> {
            LOG.warnf(failure, "dispatch round failed; the next signal or tick retries");
            next();
        });
    }

    private void next() {
        // RUN_AGAIN -> RUNNING and go again; RUNNING -> IDLE and stop.
        if (state.getAndUpdate(s -> s == RUN_AGAIN ? RUNNING : IDLE) == RUN_AGAIN) {
            round();
        }
    }

    /**
     * Starts the periodic tick: on a Vert.x timer rather than {@code @Scheduled}, whose scheduler looks for due
     * jobs once a second, so that a one-second tick could come two seconds apart; the tick interval is the bound
     * on how long a task waits for a replica to look when Redis is down.
     */
    void onStart(@Observes StartupEvent event) {
        tickTimer = vertx.setPeriodic(config.tickInterval().toMillis(), id -> dispatchHere());
    }

    /** Stops the periodic tick (the replica is stopping); signals still start rounds while it drains. */
    void stopTicking() {
        vertx.cancelTimer(tickTimer);
    }

    /**
     * The background half of reliability, run by every replica at once: bots gone stale go offline (their leases
     * lapse), lapsed leases end their attempts, and tasks past their execution or schedule-to-start deadline
     * time out. Each task is handled once across replicas by conditional writes.
     */
    @Scheduled(every = "${coordinator.dispatch.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return step("stale-bot", bots.markStaleOffline(), "marked %d stale bot(s) offline")
                .call(() -> step("lease", tasks.releaseExpiredLeases(config.sweepBatch()),
                        "ended %d attempt(s) whose leases lapsed"))
                .call(() -> step("deadline", tasks.expireDeadlines(config.sweepBatch()),
                        "timed out %d task attempt(s) past their deadline"))
                .replaceWithVoid();
    }

    private Uni<Integer> step(String name, Uni<Integer> work, String done) {
        return work.invoke(count -> {
            meters.swept(name, count);
            if (count > 0) {
                LOG.infof(done, count);
            }
        })
                .onFailure().invoke(failure -> {
                    meters.sweepFailed(name);
                    LOG.warnf(failure, "%s sweep failed; the next sweep retries", name);
                })
                .onFailure().recoverWithItem(0);
    }
}
