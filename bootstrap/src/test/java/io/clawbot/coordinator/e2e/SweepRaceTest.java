package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.adapters.persistence.postgres.PgTaskLeases;
import io.clawbot.coordinator.adapters.persistence.postgres.PgTaskStore;
import io.clawbot.coordinator.adapters.persistence.postgres.PgUnitOfWork;
import io.clawbot.coordinator.application.task.BotNotices;
import io.clawbot.coordinator.application.task.ExpireAttempts;
import io.clawbot.coordinator.application.task.RetryDefaults;
import io.clawbot.coordinator.application.task.TaskWriter;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.restassured.http.ContentType;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two coordinator instances sweep the same database at once: this replica's own sweeps, plus a second instance
 * built here from the same code over its own connection pool. Each expired task must be handled exactly once.
 */
@QuarkusTest
class SweepRaceTest {

    private static final int TASKS = 60;

    @Inject
    Vertx vertx;
    @Inject
    ExpireAttempts replicaA;
    @Inject
    BotRegistry bots;
    @Inject
    WorkflowStore workflows;
    @Inject
    BotChannel channel;
    @Inject
    IdSource ids;
    @Inject
    InstantSource clock;
    @Inject
    WorkSignal signal;
    @Inject
    RetryDefaults retryDefaults;
    @Inject
    ChannelTerms terms;

    private io.vertx.sqlclient.Pool secondPool;
    private ExpireAttempts replicaB;

    @BeforeEach
    void secondInstance() {
        secondPool = SecondPool.open(vertx);
        var pool = io.vertx.mutiny.sqlclient.Pool.newInstance(secondPool);
        PgTaskStore tasks = new PgTaskStore(pool);
        TaskWriter writer = new TaskWriter(new PgUnitOfWork(pool, terms), tasks, bots, signal);
        replicaB = new ExpireAttempts(new PgTaskLeases(pool, terms, clock), writer, new BotNotices(channel), clock,
                Math::random);
    }

    @AfterEach
    void closeSecondInstance() {
        secondPool.close();
    }

    @Test
    void running_tasks_past_their_execution_timeout_are_retried_once_each() throws Exception {
        List<String> tasks = runningTasks(Fixtures.unique("race-run"));
        Database.execute("update tasks set deadline_at = now() - interval '1 second' where id in (" + quoted(tasks)
                + ")");

        for (int round = 0; round < 3; round++) {
            both(() -> replicaA.expireDeadlines(500), () -> replicaB.expireDeadlines(500));
        }

        assertThat(Database.count("select count(*) from task_events where cause = 'execution_timeout' and task_id in ("
                + quoted(tasks) + ")")).isEqualTo(TASKS);
        assertThat(Database.rows("select task_id, count(*) from task_events where cause = 'execution_timeout' and "
                + "task_id in (" + quoted(tasks) + ") group by task_id having count(*) > 1")).isEmpty();
        assertThat(Database.count("select count(*) from tasks where id in (" + quoted(tasks)
                + ") and status = 'pending' and attempt = 1 and error_code = 'execution_timeout' and run_at > "
                + "updated_at")).isEqualTo(TASKS);
    }

    @Test
    void lapsed_leases_end_each_attempt_once() throws Exception {
        List<String> tasks = runningTasks(Fixtures.unique("race-lease"));
        Database.execute("update tasks set lease_expires_at = now() - interval '1 second' where id in ("
                + quoted(tasks) + ")");

        for (int round = 0; round < 3; round++) {
            both(() -> replicaA.releaseExpiredLeases(500), () -> replicaB.releaseExpiredLeases(500));
        }

        assertThat(Database.rows("select task_id, count(*) from task_events where cause = 'lease_expired' and "
                + "task_id in (" + quoted(tasks) + ") group by task_id having count(*) <> 1")).isEmpty();
        assertThat(Database.count("select count(*) from task_events where cause = 'lease_expired' and task_id in ("
                + quoted(tasks) + ")")).isEqualTo(TASKS);
        assertThat(Database.count("select count(*) from tasks where id in (" + quoted(tasks)
                + ") and status = 'pending' and attempt = 1")).isEqualTo(TASKS);
    }

    /** Tasks started on a bot over HTTP, so that no socket renews their leases. */
    private static List<String> runningTasks(String type) {
        String bot = Fixtures.registerBot(Fixtures.unique("racer"), type);
        List<String> tasks = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            String task = given().contentType(ContentType.JSON)
                    .body(Map.of("type", type, "timeout_seconds", 3600, "retry", Map.of("max_attempts", 3)))
                    .when().post("/api/v1/tasks").then().statusCode(201).extract().path("id");
            Fixtures.assign(task, bot);
            given().contentType(ContentType.JSON).body(Map.of("attempt", 1)).when()
                    .post("/api/v1/tasks/" + task + "/start").then().statusCode(200);
            tasks.add(task);
        }
        return tasks;
    }

    /** Runs both sweeps at the same moment, each on its own Vert.x context, and waits for both. */
    private void both(Supplier<Uni<Integer>> a, Supplier<Uni<Integer>> b) throws Exception {
        CompletableFuture<Integer> first = onVertx(a);
        CompletableFuture<Integer> second = onVertx(b);
        first.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);
    }

    private CompletableFuture<Integer> onVertx(Supplier<Uni<Integer>> work) {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        VertxContextSafetyToggle.setContextSafe(context, true);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        context.runOnContext(ignored -> work.get().subscribe().with(done::complete, done::completeExceptionally));
        return done;
    }

    private static String quoted(List<String> ids) {
        return String.join(", ", ids.stream().map(id -> "'" + id + "'").toList());
    }
}
