package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Slow statements that take every pooled connection ({@link SmallPool}: two of them) make requests answer 503 with
 * Retry-After instead of hanging: a request waits for a connection no longer than the acquire timeout, and a
 * statement runs no longer than the statement timeout. Readiness says so meanwhile, and everything answers again
 * once the database does.
 */
@QuarkusTest
@TestProfile(SmallPool.class)
class PoolExhaustionTest {

    @Inject
    AgroalDataSource jdbc;

    private record Timed(Response answer, Duration took) {
    }

    private static int managementPort() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
    }

    @Test
    void with_every_connection_held_by_a_stalled_statement_requests_get_503_with_retry_after_and_readiness_is_down()
            throws Exception {
        given().when().get("/api/v1/tasks?limit=1").then().statusCode(200);
        try (Connection locker = jdbc.getConnection()) {
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                // Every statement of the service that reads tasks now waits for this lock.
                st.execute("lock table tasks in access exclusive mode");
            }
            // More requests than connections: some get one and stall on the lock, the others wait for one.
            ExecutorService clients = Executors.newFixedThreadPool(6);
            List<CompletableFuture<Timed>> requests = IntStream.range(0, 6)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                        long start = System.nanoTime();
                        Response answer = given().when().get("/api/v1/tasks?limit=1").andReturn();
                        return new Timed(answer, Duration.ofNanos(System.nanoTime() - start));
                    }, clients))
                    .toList();
            Thread.sleep(500);
            // The readiness check's SELECT 1 needs no lock, only a connection, and finds none.
            given().port(managementPort()).when().get("/q/health/ready").then().statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'Database connections' }.status", equalTo("DOWN"));

            for (CompletableFuture<Timed> request : requests) {
                Timed timed = request.get(30, TimeUnit.SECONDS);
                Response answer = timed.answer();
                assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(503);
                assertThat(answer.header("Retry-After")).isEqualTo("2");
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.jsonPath().getString("type")).endsWith("unavailable");
                // The lock is held until every request has answered: none waited for it, each ended at the acquire
                // timeout (1 s) or, once it had a connection, at the statement timeout (3 s).
                assertThat(timed.took()).isLessThan(Duration.ofSeconds(10));
            }
            clients.shutdown();
            locker.rollback();
        }
        given().when().get("/api/v1/tasks?limit=1").then().statusCode(200);
        // Readiness comes back once no request has failed for an outage for five seconds.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int ready;
        do {
            Thread.sleep(250);
            ready = given().port(managementPort()).when().get("/q/health/ready").then().extract().statusCode();
        } while (ready != 200 && System.nanoTime() < deadline);
        assertThat(ready).isEqualTo(200);
    }
}
