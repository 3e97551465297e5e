package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.application.workflow.RepairStalledWorkflows;
import io.clawbot.coordinator.botclient.BotClient;
import io.clawbot.coordinator.botclient.TaskFailure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.enterprise.inject.spi.CDI;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Workflows whose last steps end at the same moment on different bots: a fan-in of 2 to 8 parallel steps, and
 * seed 001's pipeline, whose {@code always_run} alert runs beside the {@code on_success} branch. Whatever order
 * the steps' commits land in, every workflow must end, and with the status the rule of docs/tasks-and-workflows.md gives for its
 * steps. Half the runs go through real bots on the WebSocket, half through the HTTP report endpoints, with the
 * reports of parallel steps sent at once from different threads.
 */
@QuarkusTest
class WorkflowRaceTest {

    static final int WORKFLOWS_PER_ROAD = 250;
    static final int BOTS = 8;
    static final Duration ALL_ENDED_WITHIN = Duration.ofSeconds(120);
    /** How long one workflow played over HTTP may take: a stuck one fails the test rather than wait forever. */
    static final Duration ONE_RUN_WITHIN = Duration.ofSeconds(20);

    /** A workflow to run: its definition, and whether some step is told to fail. */
    record Plan(Map<String, Object> definition, boolean failing) {
    }

    @Test
    void workflows_whose_last_steps_end_together_on_bots_over_the_socket_always_finish() throws Exception {
        String type = Fixtures.unique("race-ws");
        Random random = new Random(11);
        List<BotClient> bots = new ArrayList<>();
        try {
            for (int b = 0; b < BOTS; b++) {
                var creds = Fixtures.registerBotWithToken(type + "-bot-" + b, type);
                BotClient bot = BotClient.builder().uri(URI.create(TestBot.uri(null).toString()))
                        .token(creds.token()).slots(1 + b % 2)
                        .handler(task -> {
                            if (Boolean.TRUE.equals(task.payload().get("fail"))) {
                                throw new TaskFailure("told_to_fail", "this step was told to fail");
                            }
                            return Map.of("step", String.valueOf(task.payload().get("step")));
                        })
                        .build();
                bots.add(bot);
                bot.start().get(10, TimeUnit.SECONDS);
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < WORKFLOWS_PER_ROAD; i++) {
                ids.add(create(plan(type, random, i)));
            }
            awaitAllEnded(ids);
            assertEveryWorkflowFollowsItsSteps(ids);
        } finally {
            bots.forEach(BotClient::close);
        }
    }

    @Test
    void workflows_whose_last_steps_are_reported_together_over_http_always_finish() throws Exception {
        String type = Fixtures.unique("race-http");
        Random random = new Random(12);
        // Registered, never connected: nothing is dispatched to them; the test assigns and reports by hand.
        List<String> bots = new ArrayList<>();
        for (int b = 0; b < BOTS; b++) {
            bots.add(Fixtures.registerBot(type + "-bot-" + b, type));
        }
        // A thread per report: the runs share this pool, and a fixed one could fill with one run's reports waiting
        // at their barrier while the rest of another run's reports queue behind them.
        ExecutorService reporters = Executors.newCachedThreadPool();
        ExecutorService runners = Executors.newFixedThreadPool(4);
        try {
            List<Callable<String>> runs = new ArrayList<>();
            for (int i = 0; i < WORKFLOWS_PER_ROAD; i++) {
                Plan plan = plan(type, random, i);
                runs.add(() -> {
                    String id = create(plan);
                    runOverHttp(id, bots, reporters);
                    return id;
                });
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> run : runners.invokeAll(runs)) {
                ids.add(run.get());
            }
            assertEveryWorkflowFollowsItsSteps(ids);
        } finally {
            runners.shutdownNow();
            reporters.shutdownNow();
        }
    }

    /**
     * The two states the race left runs in before the workflow lock, made in the database by hand: every step ended
     * but the run in progress, and a join left waiting though its dependencies completed. The repair that runs
     * at start-up moves both on.
     */
    @Test
    void runs_left_stalled_by_the_old_race_are_moved_on_by_the_start_up_repair() {
        String type = Fixtures.unique("stalled");
        String ended = create(plan(type, new Random(1), 1));
        String join = create(plan(type, new Random(2), 0));
        Database.execute("update tasks set status = 'completed', bot_id = null, completed_at = now() "
                + "where workflow_id = '" + ended + "'");
        Database.execute("update workflows set status = 'in_progress' where id = '" + ended + "'");
        Database.execute("update tasks set status = case when workflow_position < (select max(workflow_position) "
                + "from tasks where workflow_id = '" + join + "') then 'completed' else 'waiting' end, "
                + "completed_at = now() where workflow_id = '" + join + "'");
        Database.execute("update workflows set status = 'in_progress' where id = '" + join + "'");

        int repaired = CDI.current().select(RepairStalledWorkflows.class).get().repair().await()
                .atMost(Duration.ofSeconds(10));

        assertThat(repaired).isGreaterThanOrEqualTo(2);
        assertThat(given().when().get("/api/v1/workflows/" + ended).then().statusCode(200).extract()
                .path("status").toString()).isEqualTo("completed");
        List<String> joinSteps = given().when().get("/api/v1/workflows/" + join + "/tasks").then().statusCode(200)
                .extract().jsonPath().getList("tasks.status");
        assertThat(joinSteps.getLast()).isIn("pending", "assigned");
    }

    /** Alternately a fan-in of 2 to 8 steps into a join, and seed 001's pipeline; one run in five fails a step. */
    private static Plan plan(String type, Random random, int i) {
        boolean failing = random.nextInt(5) == 0;
        List<Map<String, Object>> steps = new ArrayList<>();
        if (i % 2 == 0) {
            int width = 2 + random.nextInt(7);
            int failingStep = failing ? random.nextInt(width + 1) : -1;
            List<String> parallel = new ArrayList<>();
            for (int p = 0; p < width; p++) {
                parallel.add("p" + p);
                steps.add(step("p" + p, type, p == failingStep, Map.of()));
            }
            steps.add(step("join", type, failingStep == width, Map.of("depends_on", parallel)));
        } else {
            String failingStep = failing
                    ? List.of("validate", "process", "save", "alert").get(random.nextInt(4))
                    : "";
            steps.add(step("validate", type, failingStep.equals("validate"),
                    Map.of("on_success", "process", "on_failure", "alert")));
            steps.add(step("process", type, failingStep.equals("process"), Map.of("on_success", "save")));
            steps.add(step("save", type, failingStep.equals("save"), Map.of()));
            steps.add(step("alert", type, failingStep.equals("alert"), Map.of("always_run", true)));
        }
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("name", "race-" + i);
        definition.put("steps", steps);
        return new Plan(definition, failing);
    }

    private static Map<String, Object> step(String id, String type, boolean fail, Map<String, Object> links) {
        Map<String, Object> step = new LinkedHashMap<>(links);
        step.put("id", id);
        step.put("type", type);
        step.put("params", Map.of("step", id, "fail", fail));
        step.put("retry", Map.of("max_attempts", 1));
        return step;
    }

    private static String create(Plan plan) {
        return given().contentType(ContentType.JSON).body(Map.of("definition", plan.definition()))
                .when().post("/api/v1/workflows")
                .then().statusCode(201).extract().path("id");
    }

    /**
     * Plays the bots over HTTP: every pending step is assigned to a bot of its own, then all are reported at the
     * same moment (a barrier releases the threads together), until the workflow has no open step.
     */
    private static void runOverHttp(String workflowId, List<String> bots, ExecutorService reporters)
            throws Exception {
        long deadline = System.nanoTime() + ONE_RUN_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            JsonPath run = given().when().get("/api/v1/workflows/" + workflowId + "/tasks").then().statusCode(200)
                    .extract().jsonPath();
            List<Map<String, Object>> tasks = run.getList("tasks");
            List<Map<String, Object>> pending = tasks.stream().filter(t -> "pending".equals(t.get("status")))
                    .toList();
            if (pending.isEmpty()) {
                if (tasks.stream().noneMatch(t -> "waiting".equals(t.get("status")))) {
                    return;
                }
                Thread.sleep(5);
                continue;
            }
            CyclicBarrier together = new CyclicBarrier(pending.size());
            List<Callable<Integer>> reports = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                Map<String, Object> task = pending.get(i);
                String taskId = (String) task.get("id");
                String bot = bots.get(i % bots.size());
                Fixtures.assign(taskId, bot);
                @SuppressWarnings("unchecked")
                boolean fail = Boolean.TRUE.equals(((Map<String, Object>) task.get("payload")).get("fail"));
                String body = fail
                        ? "{\"attempt\": 1, \"bot_id\": \"" + bot + "\", \"error\": \"told to fail\"}"
                        : "{\"attempt\": 1, \"bot_id\": \"" + bot + "\", \"result\": {\"ok\": true}}";
                reports.add(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return given().contentType(ContentType.JSON).body(body)
                            .when().post("/api/v1/tasks/" + taskId + (fail ? "/fail" : "/complete"))
                            .then().extract().statusCode();
                });
            }
            for (Future<Integer> report : reporters.invokeAll(reports)) {
                assertThat(report.get()).as("report on workflow " + workflowId).isEqualTo(200);
            }
        }
        throw new AssertionError("workflow " + workflowId + " still has open steps after " + ONE_RUN_WITHIN);
    }

    private static void awaitAllEnded(List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + ALL_ENDED_WITHIN.toNanos();
        while (openSteps(ids) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(openSteps(ids)).as("steps still open after " + ALL_ENDED_WITHIN).isZero();
    }

    private static long openSteps(List<String> ids) {
        return Database.count("select count(*) from tasks where workflow_id in (" + quoted(ids)
                + ") and status not in ('completed', 'failed', 'timed_out', 'cancelled', 'skipped')");
    }

    /**
     * The rule of docs/tasks-and-workflows.md, checked on what is stored once every step ended: {@code failed} if a step failed or
     * timed out without an {@code on_failure} branch, else {@code cancelled} if one was cancelled, else
     * {@code completed}.
     */
    private static void assertEveryWorkflowFollowsItsSteps(List<String> ids) {
        assertThat(ids).hasSize(WORKFLOWS_PER_ROAD);
        List<String> wrong = new ArrayList<>();
        for (String id : ids) {
            JsonPath run = given().when().get("/api/v1/workflows/" + id + "/tasks").then().statusCode(200)
                    .extract().jsonPath();
            List<Map<String, Object>> tasks = run.getList("tasks");
            List<Map<String, Object>> steps = run.getList("definition.steps");
            boolean unhandled = false;
            boolean cancelled = false;
            for (int i = 0; i < tasks.size(); i++) {
                String status = (String) tasks.get(i).get("status");
                boolean handled = steps.get(i).get("on_failure") != null;
                unhandled |= (status.equals("failed") || status.equals("timed_out")) && !handled;
                cancelled |= status.equals("cancelled");
            }
            String expected = unhandled ? "failed" : cancelled ? "cancelled" : "completed";
            String actual = run.getString("workflow.status");
            if (!expected.equals(actual)) {
                wrong.add(id + " is " + actual + " but its steps " + tasks.stream().map(t -> t.get("status"))
                        .toList() + " make it " + expected);
            }
        }
        assertThat(wrong).as("workflows whose status does not follow from their steps").isEmpty();
    }

    private static String quoted(List<String> ids) {
        return String.join(", ", ids.stream().map(id -> "'" + id + "'").toList());
    }
}
