package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.adapters.persistence.postgres.PgScheduleStore;
import io.clawbot.coordinator.adapters.persistence.postgres.PgTaskStore;
import io.clawbot.coordinator.adapters.persistence.postgres.PgUnitOfWork;
import io.clawbot.coordinator.adapters.persistence.postgres.PgWorkflowStore;
import io.clawbot.coordinator.application.schedule.ScheduleFiring;
import io.clawbot.coordinator.application.schedule.SweepReport;
import io.clawbot.coordinator.application.task.RetryDefaults;
import io.clawbot.coordinator.application.task.SubmitTask;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.bootstrap.TimeOrderedIdSource;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.schedule.port.CronCalendar;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.restassured.http.ContentType;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.InstantSource;
import java.time.OffsetDateTime;
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
 * Two coordinator instances fire the same schedules at once: this application's own {@link ScheduleFiring}
 * (and its periodic sweep), plus a second instance built here from the same code over its own connection pool,
 * with its own schedule, task and workflow stores and use cases. Every occurrence must fire exactly once.
 * Downtime is staged by moving a schedule's next fire time back, as a coordinator that was down would find it
 * after a restart: the schedule is plain rows in PostgreSQL.
 */
@QuarkusTest
@TestProfile(PatientSchedules.class)
class ScheduleFiringTest {

    private static final String YEARLY = "0 0 1 1 *";

    @Inject
    Vertx vertx;
    @Inject
    ScheduleFiring replicaA;
    @Inject
    CronCalendar calendar;
    @Inject
    BotRegistry bots;
    @Inject
    BotChannel channel;
    @Inject
    ChannelTerms terms;
    @Inject
    RetryDefaults retryDefaults;

    private io.vertx.sqlclient.Pool secondPool;
    private ScheduleFiring patientReplicaB;
    private ScheduleFiring strictReplicaB;

    @BeforeEach
    void secondInstance() {
        secondPool = SecondPool.open(vertx);
        var pool = io.vertx.mutiny.sqlclient.Pool.newInstance(secondPool);

        InstantSource clock = InstantSource.system();
        IdSource ids = new TimeOrderedIdSource(clock);
        WorkSignal signal = () -> {
        };
        PgTaskStore tasks = new PgTaskStore(pool);
        PgWorkflowStore workflows = new PgWorkflowStore(pool);
        SubmitTask taskLifecycle = new SubmitTask(tasks, ids, clock, signal, retryDefaults);
        WorkflowLifecycle workflowLifecycle = new WorkflowLifecycle(workflows, tasks, new PgUnitOfWork(pool, terms),
                ids, clock, signal, retryDefaults);
        PgScheduleStore schedules = new PgScheduleStore(pool);
        patientReplicaB = new ScheduleFiring(schedules, calendar, taskLifecycle, workflowLifecycle, clock,
                Duration.parse("PT" + PatientSchedules.MISFIRE_THRESHOLD.toUpperCase()));
        strictReplicaB = new ScheduleFiring(schedules, calendar, taskLifecycle, workflowLifecycle, clock,
                Duration.ofSeconds(60));
    }

    @AfterEach
    void closeSecondInstance() {
        Database.execute("delete from schedules");
        secondPool.close();
    }

    @Test
    void two_instances_sweeping_a_forty_minute_backlog_fire_every_occurrence_exactly_once() throws Exception {
        String type = Fixtures.unique("every-minute");
        String id = schedule("* * * * *", "skip", type);
        OffsetDateTime start = (OffsetDateTime) Database.rows("update schedules set next_fire_at = "
                + "date_trunc('minute', now()) - interval '40 minutes' where id = '" + id + "' returning next_fire_at")
                .getFirst().getFirst();

        List<SweepReport> reportsA = new ArrayList<>();
        List<SweepReport> reportsB = new ArrayList<>();
        for (int round = 0; due(id) && round < 200; round++) {
            List<SweepReport> both = both(() -> replicaA.fireDue(100), () -> patientReplicaB.fireDue(100));
            reportsA.add(both.get(0));
            reportsB.add(both.get(1));
        }
        given().when().post("/api/v1/schedules/" + id + "/disable").then().statusCode(200);

        assertThat(due(id)).as("the backlog was worked off").isFalse();
        // Every minute from the first missed occurrence up to the last one fired, each with its one task.
        List<Long> occurrences = Database.rows("select substring(key from '[0-9]+$')::bigint from idempotency_keys "
                + "where scope = 'tasks' and key like 'schedule:" + id + ":%' order by 1").stream()
                .map(row -> (Long) row.getFirst()).toList();
        long first = start.toInstant().toEpochMilli();
        assertThat(occurrences).hasSizeGreaterThanOrEqualTo(41);
        for (int i = 0; i < occurrences.size(); i++) {
            assertThat(occurrences.get(i)).isEqualTo(first + i * 60_000L);
        }
        assertThat(Database.count("select count(*) from tasks where type = '" + type + "'"))
                .as("one task per occurrence, no more").isEqualTo(occurrences.size());
        assertThat(Database.count("select count(distinct k.resource_id) from idempotency_keys k join tasks t on "
                + "t.id = k.resource_id where k.key like 'schedule:" + id + ":%'")).isEqualTo(occurrences.size());
        // Both instances took part in the race.
        assertThat(reportsA.stream().mapToInt(r -> r.fired() + r.alreadyFired()).sum()).isPositive();
        assertThat(reportsB.stream().mapToInt(r -> r.fired() + r.alreadyFired()).sum()).isPositive();
        assertThat(reportsA.stream().mapToInt(r -> r.failures().size()).sum()).isZero();
        assertThat(reportsB.stream().mapToInt(r -> r.failures().size()).sum()).isZero();
    }

    @Test
    void after_downtime_a_skip_schedule_fires_nothing_and_moves_on_to_its_next_occurrence() throws Exception {
        String type = Fixtures.unique("skip");
        String id = schedule(YEARLY, "skip", type);
        makeMissedForThreeHours(id);

        for (int round = 0; due(id) && round < 10; round++) {
            both(() -> replicaA.fireDue(100), () -> strictReplicaB.fireDue(100));
        }

        assertThat(due(id)).isFalse();
        assertThat(Database.count("select count(*) from tasks where type = '" + type + "'")).isZero();
        given().when().get("/api/v1/schedules/" + id)
                .then().statusCode(200)
                .body("last_fired_at", org.hamcrest.Matchers.nullValue())
                .body("next_fire_at", org.hamcrest.Matchers.containsString("-01-01T00:00:00Z"));
    }

    @Test
    void after_downtime_a_fire_once_schedule_fires_exactly_once_and_moves_on_to_its_next_occurrence()
            throws Exception {
        String type = Fixtures.unique("fire-once");
        String id = schedule(YEARLY, "fire_once", type);
        OffsetDateTime missed = makeMissedForThreeHours(id);

        List<SweepReport> reports = new ArrayList<>();
        for (int round = 0; due(id) && round < 10; round++) {
            reports.addAll(both(() -> replicaA.fireDue(100), () -> strictReplicaB.fireDue(100)));
        }

        assertThat(due(id)).isFalse();
        assertThat(Database.count("select count(*) from tasks where type = '" + type + "'")).isEqualTo(1);
        assertThat(Database.rows("select key from idempotency_keys where key like 'schedule:" + id + ":%'"))
                .containsExactly(List.of("schedule:" + id + ":" + missed.toInstant().toEpochMilli()));
        assertThat(reports.stream().mapToInt(SweepReport::fired).sum()).isLessThanOrEqualTo(1);
        given().when().get("/api/v1/schedules/" + id)
                .then().statusCode(200)
                .body("last_fired_at", org.hamcrest.Matchers.notNullValue())
                .body("next_fire_at", org.hamcrest.Matchers.containsString("-01-01T00:00:00Z"));
    }

    /** A schedule of this expression and policy that creates tasks of {@code type} (which no bot takes). */
    private static String schedule(String cron, String misfirePolicy, String type) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", Fixtures.unique("fire"), "cron", cron, "misfire_policy", misfirePolicy,
                        "template", Map.of("type", type, "payload", Map.of("scheduled", true))))
                .when().post("/api/v1/schedules")
                .then().statusCode(201).extract().path("id");
    }

    /** As if the coordinator had been down for three hours: the awaited occurrence is that old. */
    private static OffsetDateTime makeMissedForThreeHours(String id) {
        return (OffsetDateTime) Database.rows("update schedules set next_fire_at = date_trunc('minute', now()) "
                + "- interval '3 hours' where id = '" + id + "' returning next_fire_at").getFirst().getFirst();
    }

    /** Whether the schedule's next occurrence has come, by the database's clock. */
    private static boolean due(String id) {
        return Database.count("select count(*) from schedules where id = '" + id + "' and enabled and "
                + "next_fire_at <= now()") > 0;
    }

    /** Runs both sweeps at the same moment, each on its own Vert.x context, and waits for both. */
    private List<SweepReport> both(Supplier<Uni<SweepReport>> a, Supplier<Uni<SweepReport>> b) throws Exception {
        CompletableFuture<SweepReport> first = onVertx(a);
        CompletableFuture<SweepReport> second = onVertx(b);
        return List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS));
    }

    private CompletableFuture<SweepReport> onVertx(Supplier<Uni<SweepReport>> work) {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        VertxContextSafetyToggle.setContextSafe(context, true);
        CompletableFuture<SweepReport> done = new CompletableFuture<>();
        context.runOnContext(ignored -> work.get().subscribe().with(done::complete, done::completeExceptionally));
        return done;
    }
}
