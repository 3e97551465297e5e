package io.clawbot.coordinator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.adapters.persistence.postgres.DatabaseClock;
import io.clawbot.coordinator.adapters.persistence.postgres.PgWorkQueue;
import io.clawbot.coordinator.adapters.persistence.postgres.DatabaseConfig;
import io.clawbot.coordinator.adapters.persistence.postgres.StatementCachingPools;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.HeldReport;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The service's statements stay prepared on their connection however long their text, and the hot path's two
 * long statements, the claim and the report batch, are then run from their generic plans instead of being planned
 * on every call.
 */
@QuarkusTest
@TestProfile(QuietService.class)
class PreparedStatementsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    ChannelTerms terms;
    @Inject
    DatabaseClock clock;
    @Inject
    DatabaseConfig database;
    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;
    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> user;
    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    @Test
    void the_service_pool_keeps_a_statement_longer_than_the_client_default_limit_prepared() {
        String marker = "prepared_" + UUID.randomUUID().toString().replace('-', '_');
        // Longer than the Vert.x client's default limit of 2,048 characters for statements it keeps prepared.
        String sql = "select $1::int as " + marker + " /* " + "x".repeat(4_000) + " */";
        assertThat(sql.length()).isGreaterThan(2_048);

        long kept = pool.withConnection(connection -> connection.preparedQuery(sql).execute(Tuple.of(1))
                .chain(() -> connection.preparedQuery(sql).execute(Tuple.of(2)))
                .chain(() -> connection
                        .preparedQuery("select count(*) from pg_prepared_statements where statement = $1")
                        .execute(Tuple.of(sql)))
                .map(rows -> rows.iterator().next().getLong(0)))
                .await().atMost(WAIT);

        assertThat(kept).as("the long statement is a named prepared statement of its connection").isEqualTo(1);
    }

    @Test
    void the_claim_and_the_report_batch_are_run_from_their_generic_plans_after_a_few_calls() {
        // A backlog of another type: with it in the statistics, a plan made for the call's own capabilities looks
        // cheaper than the generic plan whenever the planner can count them, and would then be made every call.
        String backlog = "prepared-backlog-" + UUID.randomUUID();
        Database.execute("insert into tasks (id, type, status, timeout_seconds, created_at, updated_at, retry_policy) "
                + "select gen_random_uuid(), '" + backlog + "', 'pending', 60, now(), now(), '{}' "
                + "from generate_series(1, 5000)");
        Database.execute("analyze tasks");
        Pool single = singleConnectionPool();
        try {
            PgWorkQueue queue = new PgWorkQueue(single, terms, clock);
            BotId bot = new BotId(UUID.randomUUID());
            List<String> capabilities = List.of("prepared-" + UUID.randomUUID());
            for (int i = 0; i < 12; i++) {
                assertThat(queue.claim(bot, capabilities, 4).await().atMost(WAIT)).isEmpty();
                // A report about a task the bot does not hold: the batch statement runs and matches nothing.
                assertThat(queue.reportHeld(new TaskId(UUID.randomUUID()), bot, 1, HeldReport.COMPLETE, Map.of(),
                        null, null, Actor.system()).await().atMost(WAIT)).isNull();
            }

            // PostgreSQL plans a prepared statement for its first five calls, then keeps the generic plan unless
            // the calls' own plans looked cheaper.
            for (String statement : List.of("/* claim */ with held as%", "with input as%")) {
                Row plans = single.preparedQuery("select generic_plans, custom_plans from pg_prepared_statements "
                        + "where statement like $1").execute(Tuple.of(statement)).await().atMost(WAIT).iterator()
                        .next();
                assertThat(plans.getLong("custom_plans")).as(statement + ": calls planned on their own")
                        .isLessThanOrEqualTo(5);
                assertThat(plans.getLong("generic_plans")).as(statement + ": calls run from the generic plan")
                        .isGreaterThanOrEqualTo(7);
            }
        } finally {
            single.closeAndAwait();
            Database.execute("delete from tasks where type = '" + backlog + "'");
        }
    }

    /** A pool of one connection made the way the service makes its own, so every claim meets the same session. */
    private Pool singleConnectionPool() {
        PgConnectOptions options = PgConnectOptions.fromUri(url).setCachePreparedStatements(true);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        PgPoolCreator.Input input = new PgPoolCreator.Input() {
            @Override
            public Vertx vertx() {
                return vertx;
            }

            @Override
            public PoolOptions poolOptions() {
                return new PoolOptions().setMaxSize(1);
            }

            @Override
            public List<PgConnectOptions> pgConnectOptionsList() {
                return List.of(options);
            }
        };
        return Pool.newInstance(new StatementCachingPools(database).create(input));
    }
}
