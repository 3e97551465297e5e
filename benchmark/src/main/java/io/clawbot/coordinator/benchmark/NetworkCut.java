package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A bot cut off by the network while it runs a task: it reaches its replica through a loopback proxy that stops
 * forwarding (every connection stays open, nothing is refused, nothing arrives). The bot goes on as if nothing had
 * happened, heartbeating for its task into the void and finishing it. Its lease lapses, another bot runs the task,
 * and when the link comes back the heartbeats that waited in the network and the bot's late completion change
 * nothing: the completion is refused and the task ran again elsewhere, once. The fleet's own work runs meanwhile.
 */
final class NetworkCut extends FaultSuite.Scenario {

    /** The fleet's work during the scenario. */
    static final String TYPE = "cut-load";
    /** The held task's type: only the cut-off bot, and later the bot that takes over, have it. */
    static final String HELD_TYPE = "cut-held";
    private static final int TASKS = 2000;
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);

    NetworkCut() {
        super("network-cut", true);
    }

    @Override
    FaultSuite.Outcome play(FaultSuite.Env env) throws Exception {
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        String token = env.api().registerBot(0, "cut-off", List.of(HELD_TYPE)).path("token").asText();
        Load load = new Load(env.api(), env.replicas(), TYPE);
        HeldTask.Held held;
        long cutAt;
        long tookOver;
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
        try (LoopbackProxy link = new LoopbackProxy(env.replicas().port(0));
                RawBot bot = RawBot.connect(URI.create("ws://127.0.0.1:" + link.port() + "/api/v1/ws/control"),
                        token)) {
            held = HeldTask.accept(env, bot, HELD_TYPE);
            link.cut();
            cutAt = System.nanoTime();
            System.out.println("the link to the bot that accepted task " + held.id() + " is cut");
            // The bot does not know: it heartbeats for its task as before, and every heartbeat waits in the network.
            Map<String, Object> running = Map.of("running",
                    List.of(Map.of("task_id", held.id(), "attempt", held.attempt())));
            heartbeats.scheduleAtFixedRate(() -> {
                try {
                    bot.send("heartbeat", running);
                } catch (Exception e) {
                    // its socket's buffers are full or it closed: a cut-off bot cannot tell either
                }
            }, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);

            for (int i = 0; i < TASKS; i++) {
                load.submit(i);
            }
            load.awaitAnswers();
            boolean done = HeldTask.rescue(env, HELD_TYPE, held.id());
            tookOver = System.nanoTime();
            if (!done) {
                violations.add("the cut-off bot's task was not completed elsewhere within 90 s");
            }
            figures.put("held_task_completed_elsewhere_after_seconds", Percentiles.round((tookOver - cutAt) / 1e9));

            // The link comes back: what waited in it arrives (the bot's heartbeats naming its old attempt, and
            // whatever the replica sent meanwhile), then the bot reports the task it finished long ago.
            heartbeats.shutdownNow();
            link.forward();
            Thread.sleep(HEARTBEAT.toMillis());
            figures.put("old_connection_after_the_cut", bot.isClosed() ? "closed" : "open");
            String answer = HeldTask.reportLate(env, bot, token, held.id(), held.attempt(), violations);
            figures.put("late_report_answered", answer);
        } finally {
            heartbeats.shutdownNow();
        }

        HeldTask.checkCompletedOnceElsewhere(env, held.id(), held.attempt(), violations);
        figures.put("held_task_attempt_ended_by",
                String.join(",", env.invariants().causes(HELD_TYPE, Invariants.TIMEOUT_CAUSES).keySet()));
        JsonNode task = Api.JSON.readTree(env.api().get(0, "/api/v1/tasks/" + held.id(), Duration.ofSeconds(10))
                .body());
        figures.put("held_task_result", task.path("result"));
        if (task.path("result").path("late").asBoolean(false)) {
            violations.add("the held task's result is the late report's");
        }
        Map<String, Object> checked = env.invariants().settleAndCheck(load, env.fleet(), Duration.ofSeconds(120));
        return FaultSuite.outcome(env, load, checked, violations, (tookOver - cutAt) / 1e9, figures);
    }
}
