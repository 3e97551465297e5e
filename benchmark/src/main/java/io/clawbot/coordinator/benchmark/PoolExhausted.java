package io.clawbot.coordinator.benchmark;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every replica's connection pool exhausted by slow statements: the suite takes an exclusive lock on the tasks
 * table for 15 s while the bots work through a backlog and clients keep asking, so every statement that touches a
 * task waits and holds its connection. Requests must answer 503 with Retry-After rather than hang (a request waits
 * for a connection no longer than the acquire timeout and a statement runs no longer than the statement timeout,
 * 2 s each in the suite), readiness must say DOWN meanwhile, and once the lock goes every bot is connected and the
 * work resumes by itself with nothing lost or done twice.
 */
final class PoolExhausted extends FaultSuite.Scenario {

    static final String TYPE = "pool-load";
    private static final int TASKS = 2000;
    private static final Duration LOCKED = Duration.ofSeconds(15);
    /** Requests on their way to each replica while the lock is held: more than its pool's 20 connections. */
    private static final int IN_FLIGHT = 30;

    PoolExhausted() {
        super("pool-exhausted", true);
    }

    @Override
    FaultSuite.Outcome play(FaultSuite.Env env) throws Exception {
        Replicas replicas = env.replicas();
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        Load load = new Load(env.api(), replicas, TYPE, "{\"sleep_ms\": 100}", Load.GENEROUS_RETRIES);
        for (int i = 0; i < TASKS; i++) {
            load.submit(i);
        }
        load.awaitAnswers();
        int sessionsEndedBefore = env.fleet().disconnects();
        Map<Integer, Integer> answers = new TreeMap<>();
        Map<Integer, Integer> readiness = new TreeMap<>();
        AtomicInteger wrong = new AtomicInteger();
        AtomicLong slowestMillis = new AtomicLong();
        List<CompletableFuture<?>> asked = new ArrayList<>();
        boolean[] saidDown = new boolean[replicas.count()];
        long released;
        try (Connection locker = env.invariants().connect()) {
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("lock table tasks in access exclusive mode");
            }
            long locked = System.nanoTime();
            System.out
                    .println("the tasks table is locked for " + LOCKED.toSeconds() + " s: every statement on it waits");
            Thread.ofPlatform().daemon().start(() -> {
                // Readiness, asked with room for the check's own wait for a connection.
                while (System.nanoTime() - locked < LOCKED.toNanos()) {
                    for (int r = 0; r < replicas.count(); r++) {
                        try {
                            int status = replicas.readinessStatus(r, Duration.ofSeconds(10));
                            synchronized (readiness) {
                                readiness.merge(status, 1, Integer::sum);
                            }
                            saidDown[r] |= status == 503;
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
            // More requests at once than a replica has connections: some get one and stall on the lock (until the
            // statement timeout), the rest wait for one (until the acquire timeout).
            Semaphore[] inFlight = new Semaphore[replicas.count()];
            for (int r = 0; r < replicas.count(); r++) {
                inFlight[r] = new Semaphore(IN_FLIGHT);
            }
            while (System.nanoTime() - locked < LOCKED.toNanos()) {
                for (int r = 0; r < replicas.count(); r++) {
                    while (inFlight[r].tryAcquire()) {
                        Semaphore permits = inFlight[r];
                        long sent = System.nanoTime();
                        asked.add(env.api().getAsync(r, "/api/v1/tasks?limit=1", Duration.ofSeconds(60))
                                .whenComplete((answer, failure) -> {
                                    permits.release();
                                    slowestMillis.accumulateAndGet((System.nanoTime() - sent) / 1_000_000, Math::max);
                                    int status = failure == null ? answer.statusCode() : 0;
                                    synchronized (answers) {
                                        answers.merge(status, 1, Integer::sum);
                                    }
                                    if (status != 200 && (status != 503 || !retryAfter(answer))) {
                                        wrong.incrementAndGet();
                                    }
                                }));
                    }
                }
                Thread.sleep(50);
            }
            // Every request has answered before the lock goes: none of them waited for it.
            CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).handle((ok, failure) -> null)
                    .get(Replicas.ACQUIRE_TIMEOUT.plus(Replicas.STATEMENT_TIMEOUT).plusSeconds(20).toSeconds(),
                            TimeUnit.SECONDS);
            locker.rollback();
            released = System.nanoTime();
            System.out.println("the lock is released");
        }
        boolean ready = replicas.allUpWithin(Duration.ofSeconds(60));
        double recovery = (System.nanoTime() - released) / 1e9;
        figures.put("api_answers_while_locked", answers);
        figures.put("readiness_answers_while_locked", readiness);
        figures.put("slowest_api_answer_while_locked_ms", slowestMillis.get());
        if (wrong.get() > 0) {
            violations.add(wrong.get() + " API answers while the pool was exhausted were neither 200 nor 503 with "
                    + "Retry-After: " + answers);
        }
        if (!answers.containsKey(503)) {
            violations.add("no request was answered 503: the pools were never exhausted " + answers);
        }
        // A single creation that arrives while another group of creations is being written waits for that write
        // (CreationBatcher), then its own: the acquire timeout and two statement timeouts, with 2 s to spare.
        long bound = Replicas.ACQUIRE_TIMEOUT.plus(Replicas.STATEMENT_TIMEOUT.multipliedBy(2)).plusSeconds(2)
                .toMillis();
        if (slowestMillis.get() > bound) {
            violations.add("an API answer took " + slowestMillis.get() + " ms, over the acquire timeout and two "
                    + "statement timeouts (" + bound + " ms with 2 s to spare)");
        }
        for (int r = 0; r < replicas.count(); r++) {
            if (!saidDown[r]) {
                violations.add("replica " + (r + 1) + "'s readiness never said 503 while its pool was exhausted");
            }
        }
        if (!ready) {
            violations.add("not every replica was ready 60 s after the lock was released");
        }
        // A bot's frames are handled in order, so a heartbeat behind a completion that waits on the stalled database
        // is answered late; a bot whose silence limit is shorter than the acquire and statement timeouts together
        // may give its session up and come back. Reported, and every bot must be back.
        figures.put("bot_sessions_ended", env.fleet().disconnects() - sessionsEndedBefore);
        if (!FaultSuite.until(Duration.ofSeconds(30), () -> env.fleet().connected() == env.fleet().size())) {
            violations.add("not every bot was connected again 30 s after the lock was released");
        }
        Map<String, Object> checked = env.invariants().settleAndCheck(load, env.fleet(), Duration.ofSeconds(180));
        return FaultSuite.outcome(env, load, checked, violations, recovery, figures);
    }

    private static boolean retryAfter(HttpResponse<String> answer) {
        return answer.headers().firstValue("Retry-After").isPresent();
    }
}
