package io.clawbot.coordinator.benchmark;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * PostgreSQL stopped for 20 s while bots work through a backlog, then started again: the replicas stay up, their
 * readiness goes down and comes back, the API answers 503 with Retry-After meanwhile, the bots stay connected, no
 * task is lost, and the work resumes by itself.
 */
final class PostgresDown extends FaultSuite.Scenario {

    static final String TYPE = "pg-down";
    private static final int TASKS = 3000;
    private static final Duration DOWN = Duration.ofSeconds(20);

    PostgresDown() {
        super("postgres-down", false);
    }

    @Override
    FaultSuite.Outcome play(FaultSuite.Env env) throws Exception {
        Replicas replicas = env.replicas();
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        Load load = new Load(env.api(), replicas, TYPE, "{\"sleep_ms\": 200}", Load.GENEROUS_RETRIES);
        for (int i = 0; i < TASKS; i++) {
            load.submit(i);
        }
        load.awaitAnswers();
        int sessionsEndedBefore = env.fleet().disconnects();
        System.out.println("stopping PostgreSQL for " + DOWN.toSeconds() + " s");
        env.postgres().stop();
        long stopped = System.nanoTime();
        boolean[] wentDown = new boolean[replicas.count()];
        Map<Integer, Integer> apiAnswers = new TreeMap<>();
        long slowestAnswerMillis = 0;
        int wrongAnswers = 0;
        while (System.nanoTime() - stopped < DOWN.toNanos()) {
            for (int r = 0; r < replicas.count(); r++) {
                wentDown[r] |= !replicas.isUp(r);
            }
            long asked = System.nanoTime();
            try {
                HttpResponse<String> answer = env.api().get(0, "/api/v1/tasks?limit=1", Duration.ofSeconds(15));
                apiAnswers.merge(answer.statusCode(), 1, Integer::sum);
                if (answer.statusCode() != 200 && (answer.statusCode() != 503
                        || answer.headers().firstValue("Retry-After").isEmpty())) {
                    wrongAnswers++;
                }
            } catch (java.io.IOException e) {
                apiAnswers.merge(0, 1, Integer::sum);
            }
            slowestAnswerMillis = Math.max(slowestAnswerMillis, (System.nanoTime() - asked) / 1_000_000);
            Thread.sleep(1000);
        }
        env.postgres().start();
        long restarted = System.nanoTime();
        System.out.println("PostgreSQL started again");
        boolean ready = replicas.allUpWithin(Duration.ofSeconds(60));
        double recovery = (System.nanoTime() - restarted) / 1e9;
        for (int r = 0; r < replicas.count(); r++) {
            if (!replicas.alive(r)) {
                violations.add("replica " + (r + 1) + " exited");
            }
            if (!wentDown[r]) {
                violations.add("replica " + (r + 1) + " stayed ready without its database");
            }
        }
        if (!ready) {
            violations.add("not every replica was ready 60 s after PostgreSQL came back");
        }
        int sessionsEnded = env.fleet().disconnects() - sessionsEndedBefore;
        figures.put("bot_sessions_ended_during_the_outage", sessionsEnded);
        if (sessionsEnded > 0) {
            violations.add(sessionsEnded + " bot sessions ended while the database was down");
        }
        figures.put("api_answers_while_down", apiAnswers);
        if (wrongAnswers > 0) {
            violations.add(wrongAnswers + " API answers while the database was down were neither 200 nor 503 with "
                    + "Retry-After: " + apiAnswers);
        }
        figures.put("slowest_api_answer_while_down_ms", slowestAnswerMillis);
        Map<String, Object> checked = env.invariants().settleAndCheck(load, env.fleet(), Duration.ofSeconds(180));
        return FaultSuite.outcome(env, load, checked, violations, recovery, figures);
    }
}
