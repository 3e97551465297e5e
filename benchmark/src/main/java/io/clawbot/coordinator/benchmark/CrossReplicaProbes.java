package io.clawbot.coordinator.benchmark;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How work reaches a bot connected to another replica than the one a request came to. The probe bot is connected
 * to one replica ({@code botReplica}); the requests go to it or to another ({@code origin}).
 *
 * <p>Latency, as figures only (a busy machine must not fail the check): tasks submitted one at a time, each timed
 * to the handler's receipt from just before the request and, as dispatch latency, from the creation's answer (a
 * receipt before the answer counts as 0), through the bot's own replica, through another one (whose
 * Redis work hint wakes the bot's replica), and through another one while Redis is down, when only the bot's
 * replica's dispatch tick can find the task. Each of the last comes after a random pause of up to one tick, so
 * that every phase of the tick is sampled alike.
 *
 * <p>Relays, as checks: a task that no bot takes by itself (it is not due for an hour) is assigned by hand
 * through {@code origin}, and must reach the bot, which only the assignment's relay through Redis can bring about;
 * then it is cancelled through {@code origin}, and the bot's handler must be interrupted. In between, a broadcast
 * of the task through {@code origin} is tried and its status reported. They run while Redis is up, before the
 * outage, so that its resubscription after the outage cannot pass for a lost relay.
 */
final class CrossReplicaProbes {

    private static final int HINTED = 40;
    private static final int TICKED = 15;
    private static final int WARM_UP = 3;
    private static final long RELAY_PATIENCE_SECONDS = 5;

    private final Api api;
    private final Replicas replicas;
    private final StoppableRedis redis;
    private final ProbeBot probe;
    private final int botReplica;
    private final int origin;
    private final long tickMillis;

    CrossReplicaProbes(Api api, Replicas replicas, StoppableRedis redis, ProbeBot probe, int botReplica, int origin,
            long tickMillis) {
        this.api = api;
        this.replicas = replicas;
        this.redis = redis;
        this.probe = probe;
        this.botReplica = botReplica;
        this.origin = origin;
        this.tickMillis = tickMillis;
    }

    /** Runs the probes; the report's entries, in the order they are best read. */
    Map<String, Object> run() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        // Alternating, so that both series meet the replicas equally warmed up.
        Series local = new Series("local", botReplica);
        Series hinted = new Series("remote-hint", origin);
        for (int i = -WARM_UP; i < HINTED; i++) {
            local.probe(i, i >= 0);
            hinted.probe(i, i >= 0);
        }
        local.report(out);
        hinted.report(out);
        Map<String, Object> relays = relays();
        System.out.println("stopping Redis for the latency of remote submissions without it");
        redis.stop();
        try {
            Series ticked = new Series("remote-no-redis", origin);
            for (int i = 0; i < TICKED; i++) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(tickMillis + 1));
                ticked.probe(i, true);
            }
            ticked.report(out);
        } finally {
            redis.start();
        }
        replicas.awaitAllReady();
        replicas.awaitRedisBack();
        System.out.println("Redis started again; every replica reaches it");
        out.putAll(relays);
        return out;
    }

    /** Tasks submitted one at a time through one replica, each timed to the bot's receipt. */
    private final class Series {
        private final String name;
        private final int replica;
        private final List<Double> fromRequest = new ArrayList<>();
        private final List<Double> fromAnswer = new ArrayList<>();
        private int missed;

        Series(String name, int replica) {
            this.name = name;
            this.replica = replica;
        }

        /** Submits probe {@code i} and waits for the bot to receive it; {@code counted} false to warm up. */
        void probe(int i, boolean counted) throws Exception {
            String probeName = name + "-" + i;
            long before = System.nanoTime();
            api.createTask(replica, ProbeBot.task(probeName, false, ""));
            long answered = System.nanoTime();
            try {
                long received = probe.received(probeName).get(10, TimeUnit.SECONDS);
                if (counted) {
                    fromRequest.add((received - before) / 1e6);
                    fromAnswer.add(Math.max(0, received - answered) / 1e6);
                }
            } catch (TimeoutException e) {
                missed++;
            }
        }

        /**
         * p50, p95 and max in milliseconds from the request ({@code latency_<name>_ms}) and from the answer
         * ({@code dispatch_<name>_ms}), and how many probes did not arrive in time if any.
         */
        void report(Map<String, Object> out) {
            Map<String, Object> latency = Percentiles.of(fromRequest);
            Map<String, Object> dispatch = Percentiles.of(fromAnswer);
            if (missed > 0) {
                latency.put("not_received_within_10_s", missed);
            }
            System.out.printf("latency  %-16s %s%n", name, latency);
            System.out.printf("dispatch %-16s %s%n", name, dispatch);
            String key = name.replace('-', '_');
            out.put("latency_" + key + "_ms", latency);
            out.put("dispatch_" + key + "_ms", dispatch);
        }
    }

    private Map<String, Object> relays() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        String name = "held";
        // Pending but not due for an hour: no dispatch round offers it to a bot, so only the manual assignment
        // can bring it to the probe bot.
        String id = api.createTask(origin, ProbeBot.task(name, true, ", \"delay_seconds\": 3600")).get("id").asText();
        long before = System.nanoTime();
        expect(200, api.post(origin, "/api/v1/tasks/" + id + "/assign", "{\"bot_id\": \"" + probe.id() + "\"}"));
        Long received = within(probe.received(name));
        out.put("manual_assign_reached_bot_on_other_replica", received != null
                ? true
                : new Violation("the assignment made on replica " + (origin + 1) + " did not reach the bot on "
                        + "replica " + (botReplica + 1) + " within " + RELAY_PATIENCE_SECONDS + " s"));
        if (received != null) {
            out.put("manual_assign_relay_ms", Percentiles.round((received - before) / 1e6));
        }
        out.put("broadcast_to_bot_on_other_replica_status",
                api.post(origin, "/api/v1/ws/broadcast/task/" + id, "{}").statusCode());
        before = System.nanoTime();
        expect(200, api.post(origin, "/api/v1/tasks/" + id + "/cancel", "{}"));
        Long interrupted = within(probe.interrupted(name));
        out.put("cancel_reached_bot_on_other_replica", interrupted != null
                ? true
                : new Violation("the cancel made on replica " + (origin + 1) + " did not interrupt the bot's "
                        + "handler on replica " + (botReplica + 1) + " within " + RELAY_PATIENCE_SECONDS + " s"));
        if (interrupted != null) {
            out.put("cancel_relay_ms", Percentiles.round((interrupted - before) / 1e6));
        }
        System.out.printf("manual assign and cancel on replica %d, bot on replica %d: %s%n", origin + 1,
                botReplica + 1, out);
        out.putAll(waitElsewhere());
        return out;
    }

    /**
     * A client waiting ({@code ?wait=}) on the replica that neither took the submission nor holds the bot: its
     * answer comes when the task ends on the bot's replica, well before the wait runs out.
     */
    private Map<String, Object> waitElsewhere() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        int waiter = 3 - origin - botReplica;
        String id = api.createTask(origin, ProbeBot.task("waited", false, "")).get("id").asText();
        long before = System.nanoTime();
        HttpResponse<String> answer = api.get(waiter, "/api/v1/tasks/" + id + "?wait=30", Duration.ofSeconds(40));
        double ms = (System.nanoTime() - before) / 1e6;
        String status = answer.statusCode() == 200
                ? Api.JSON.readTree(answer.body()).path("status").asText()
                : "HTTP " + answer.statusCode();
        out.put("wait_on_third_replica_saw_the_end", status.equals("completed")
                ? true
                : new Violation("a wait on replica " + (waiter + 1) + " for a task submitted on replica "
                        + (origin + 1) + " and run on replica " + (botReplica + 1) + " answered " + status
                        + " after " + Percentiles.round(ms) + " ms"));
        out.put("wait_on_third_replica_ms", Percentiles.round(ms));
        System.out.printf("wait on replica %d for a task run on replica %d: %s after %.1f ms%n", waiter + 1,
                botReplica + 1, status, ms);
        return out;
    }

    private static Long within(CompletableFuture<Long> event)
            throws InterruptedException, ExecutionException {
        try {
            return event.get(RELAY_PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return null;
        }
    }

    private static void expect(int status, HttpResponse<String> response) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(response.request().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }
}
