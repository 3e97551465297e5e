package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.task.port.BotHeartbeats;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Heartbeats written per replica in batches: the heartbeats that arrive within a window (and while the previous
 * batch is being written) go in one statement, which moves the bots' last-heartbeat time and renews their running
 * tasks' leases. A replica thus writes at most one heartbeat statement per window, whatever the number of its bots:
 * with 10,000 bots at a 15-second interval, 5 statements a second at the default 200 ms instead of 667.
 *
 * <p>
 * The statement does not change the bots' version, so it never makes a concurrent compare-and-set write of the bot
 * (a status change) fail, and it only moves the time forward. It takes its rows with SKIP LOCKED, so it never
 * waits for another write and never deadlocks with one; a bot whose row was held goes in the next batch. A bot the sweep marked offline meanwhile is left as
 * it is and reported back, so that the caller takes the registry's full path, which brings it online again; the
 * sweep's own condition is judged on the row as the batch left it, so a bot is never marked offline by a sweep
 * that ran after its heartbeat was written.
 */
public class PgBotHeartbeats implements BotHeartbeats {

    /** Most heartbeats in one statement. */
    static final int MAX_BATCH = 5000;

    /**
     * Every row is taken with SKIP LOCKED, in id order: the statement never waits for a lock, so it can never be
     * part of a deadlock with the report batches or the sweeps, which lock tasks and then bots. A bot whose row
     * another write holds at that moment is simply not in {@code live}; {@link #SKIPPED} tells it from an offline
     * one, and its heartbeat goes in the next batch. A running task whose row is held is being reported on, and
     * its lease is renewed by the next heartbeat, well within the lease.
     */
    private static final String BATCH = "with beaten as (select b.id from bots b where b.id = any($1::uuid[]) "
            + "and b.status <> 'offline' order by b.id for update skip locked), "
            + "live as (update bots b set last_heartbeat_at = greatest(b.last_heartbeat_at, now()), "
            + "updated_at = greatest(b.updated_at, now()) from beaten where b.id = beaten.id returning b.id), "
            // Bots that named no tasks (the first protocol): every running task.
            + "all_running as (update tasks t set lease_expires_at = $2::timestamptz + make_interval(secs => "
            + "$3::float8) from (select r.id from tasks r where r.bot_id = any($4::uuid[]) and r.status = "
            + "'in_progress' and r.bot_id in (select id from live) order by r.id for update skip locked) a "
            + "where t.id = a.id), "
            + "listed as (update tasks t set lease_expires_at = $2::timestamptz + make_interval(secs => $3::float8) "
            + "from (select n.id from tasks n join unnest($5::uuid[], $6::int[], $7::uuid[]) as r(id, attempt, bot) "
            + "on n.id = r.id and n.attempt = r.attempt and n.bot_id = r.bot where n.status = 'in_progress' "
            + "and r.bot in (select id from live) order by n.id for update of n skip locked) l where t.id = l.id) "
            + "select id from live";

    /** Of the bots a batch did not write, those that are online or busy: their rows were held by another write. */
    private static final String SKIPPED = "select id from bots where id = any($1::uuid[]) and status <> 'offline'";

    /** How many batches a heartbeat waits through for its bot's row before it takes the registry's full path. */
    private static final int MAX_TRIES = 5;

    /** The longest a batch's write may take before its heartbeats are failed and the next batch goes. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param context the Vert.x context the heartbeat came from (a bot session's), on which its answer is given,
     *        so that what the caller does next runs where it would have without the batch; {@code null} when
     *        there was none
     */
    private record Beat(BotId bot, List<TaskLeases.Running> running, UniEmitter<? super Boolean> answer,
            Context context, int tries) {

        Beat again() {
            return new Beat(bot, running, answer, context, tries + 1);
        }

        void complete(boolean recorded) {
            if (context == null) {
                answer.complete(recorded);
            } else {
                context.runOnContext(ignored -> answer.complete(recorded));
            }
        }

        void fail(Throwable failure) {
            if (context == null) {
                answer.fail(failure);
            } else {
                context.runOnContext(ignored -> answer.fail(failure));
            }
        }
    }

    private final Pool pool;
    private final ChannelTerms terms;
    private final InstantSource clock;
    private final Duration window;
    private final ConcurrentLinkedQueue<Beat> queue = new ConcurrentLinkedQueue<>();
    /** Set while a write is waiting for its window or running: at most one at a time. */
    private final AtomicBoolean pending = new AtomicBoolean();

    /**
     * @param clock the service's clock, from which renewed leases run, as in {@link PgTaskLeases}
     * @param window how long a batch gathers heartbeats before it is written; zero writes as soon as the previous
     *        write is done
     */
    public PgBotHeartbeats(Pool pool, ChannelTerms terms, InstantSource clock, Duration window) {
        this.pool = pool;
        this.terms = terms;
        this.clock = clock;
        this.window = window;
    }

    @Override
    public Uni<Boolean> beat(BotId bot, List<TaskLeases.Running> running) {
        return Uni.createFrom().emitter(answer -> {
            queue.add(new Beat(bot, running == null ? null : List.copyOf(running), answer, Vertx.currentContext(),
                    1));
            schedule();
        });
    }

    private void schedule() {
        if (queue.isEmpty() || !pending.compareAndSet(false, true)) {
            return;
        }
        Uni<Void> wait = window.isZero()
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(window);
        wait.subscribe().with(ignored -> flush(), failure -> flush());
    }

    private void flush() {
        List<Beat> batch = new ArrayList<>();
        Beat next;
        while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            done();
            return;
        }
        try {
            write(batch).ifNoItem().after(WRITE_TIMEOUT).fail().subscribe().with(live -> {
                settle(batch, live);
            }, failure -> {
                batch.forEach(b -> b.fail(failure));
                done();
            });
        } catch (RuntimeException failure) {
            // Nothing may leave the batcher pending for good: every later heartbeat would wait forever.
            batch.forEach(b -> b.fail(failure));
            done();
        }
    }

    /** Answers the written heartbeats; those whose bot's row was held go again, the others are answered false. */
    private void settle(List<Beat> batch, Set<UUID> live) {
        List<Beat> unwritten = batch.stream().filter(b -> !live.contains(b.bot().value())).toList();
        batch.stream().filter(b -> live.contains(b.bot().value())).forEach(b -> b.complete(true));
        if (unwritten.isEmpty()) {
            done();
            return;
        }
        UUID[] ids = unwritten.stream().map(b -> b.bot().value()).distinct().toArray(UUID[]::new);
        pool.preparedQuery(SKIPPED).execute(Tuple.of(ids)).ifNoItem().after(WRITE_TIMEOUT).fail().subscribe()
                .with(rows -> {
                    Set<UUID> held = new HashSet<>();
                    rows.forEach(row -> held.add(row.getUUID(0)));
                    for (Beat b : unwritten) {
                        if (held.contains(b.bot().value()) && b.tries() < MAX_TRIES) {
                            queue.add(b.again());
                        } else {
                            b.complete(false);
                        }
                    }
                    done();
                }, failure -> {
                    unwritten.forEach(b -> b.fail(failure));
                    done();
                });
    }

    private void done() {
        pending.set(false);
        schedule();
    }

    private Uni<Set<UUID>> write(List<Beat> batch) {
        Set<UUID> bots = new HashSet<>();
        Set<UUID> allRunning = new HashSet<>();
        List<UUID> taskIds = new ArrayList<>();
        List<Integer> attempts = new ArrayList<>();
        List<UUID> holders = new ArrayList<>();
        for (Beat beat : batch) {
            UUID bot = beat.bot().value();
            bots.add(bot);
            if (beat.running() == null) {
                allRunning.add(bot);
            } else {
                for (TaskLeases.Running r : beat.running()) {
                    taskIds.add(r.taskId().value());
                    attempts.add(r.attempt());
                    holders.add(bot);
                }
            }
        }
        return pool.preparedQuery(BATCH)
                .execute(Tuple.from(new Object[]{ bots.toArray(UUID[]::new), Sql.ts(clock.instant()),
                        TaskRows.seconds(terms.lease()), allRunning.toArray(UUID[]::new),
                        taskIds.toArray(UUID[]::new), attempts.toArray(Integer[]::new),
                        holders.toArray(UUID[]::new) }))
                .map(rows -> {
                    Set<UUID> live = new HashSet<>();
                    rows.forEach(row -> live.add(row.getUUID(0)));
                    return live;
                });
    }
}
