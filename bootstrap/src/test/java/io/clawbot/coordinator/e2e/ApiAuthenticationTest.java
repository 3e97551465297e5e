package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.clawbot.coordinator.domain.access.Secrets;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * OWASP API Security Top 10 (2023), API2 Broken Authentication: keys are long random secrets kept only as hashes,
 * shown once; rotated, revoked and expired keys stop working at once; the last admin key cannot be revoked, even by
 * two admins racing to revoke each other.
 */
@QuarkusTest
class ApiAuthenticationTest {

    @Test
    void a_key_is_shown_once_stored_as_a_hash_and_recognisable_by_its_prefix() {
        ExtractableResponse<Response> issued = given().contentType(ContentType.JSON)
                .body(Map.of("name", Fixtures.unique("shown-once"), "role", "reader")).when().post("/api/v1/keys")
                .then().statusCode(201).header("Location", startsWith("/api/v1/keys/"))
                .header("Cache-Control", "no-store").extract();
        String secret = issued.path("key");
        assertThat(secret).matches("cbk_[A-Za-z0-9_-]{43}");
        assertThat((String) issued.path("prefix")).isEqualTo(secret.substring(0, 10));
        String id = issued.path("id");

        given().when().get("/api/v1/keys/" + id).then().statusCode(200).body("key", nullValue())
                .body("role", equalTo("reader"));
        assertThat(given().when().get("/api/v1/keys?limit=500").asString()).doesNotContain(secret);
        assertThat(Database.count("select count(*) from api_keys where secret_hash = '" + Secrets.hash(secret)
                + "'")).isEqualTo(1);
        assertThat(Database.count("select count(*) from api_keys where secret_hash like '%" + secret.substring(4)
                + "%' or prefix = '" + secret + "'")).isZero();

        Keys.as(secret).when().get("/api/v1/tasks").then().statusCode(200);
        assertThat((String) given().when().get("/api/v1/keys/" + id).path("last_used_at")).isNotNull();
    }

    @Test
    void rotated_revoked_and_expired_keys_stop_working_at_once() throws InterruptedException {
        String secret = Keys.issue("reader");
        String id = idOf(secret);
        String rotated = given().when().post("/api/v1/keys/" + id + "/rotate").then().statusCode(200)
                .extract().path("key");
        Keys.as(secret).when().get("/api/v1/tasks").then().statusCode(401);
        Keys.as(rotated).when().get("/api/v1/tasks").then().statusCode(200);

        given().when().delete("/api/v1/keys/" + id).then().statusCode(204);
        given().when().delete("/api/v1/keys/" + id).then().statusCode(204);
        Keys.as(rotated).when().get("/api/v1/tasks").then().statusCode(401)
                .body("type", equalTo("urn:clawbot:problem:invalid-credentials"));
        given().when().get("/api/v1/keys/" + id).then().body("revoked_at", org.hamcrest.Matchers.notNullValue());
        given().when().post("/api/v1/keys/" + id + "/rotate").then().statusCode(404);

        String expiring = given().contentType(ContentType.JSON).body(Map.of("name", Fixtures.unique("brief"),
                "role", "reader", "expires_at", Instant.now().plusSeconds(2).toString())).when()
                .post("/api/v1/keys").then().statusCode(201).extract().path("key");
        Keys.as(expiring).when().get("/api/v1/tasks").then().statusCode(200);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (Keys.as(expiring).when().get("/api/v1/tasks").statusCode() != 401) {
            assertThat(System.nanoTime()).as("the key still works after its expiry").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void bad_key_requests_are_refused_precisely() {
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "role", "root")).when().post("/api/v1/keys")
                .then().statusCode(400).body("field", equalTo("role"));
        given().contentType(ContentType.JSON).body(Map.of("name", "has space", "role", "reader")).when()
                .post("/api/v1/keys").then().statusCode(400).body("field", equalTo("name"));
        given().contentType(ContentType.JSON).body(Map.of("name", "t", "role", "reader", "task_types", List.of("a")))
                .when().post("/api/v1/keys").then().statusCode(400).body("field", equalTo("task_types"));
        given().contentType(ContentType.JSON).body(Map.of("name", "p", "role", "reader", "expires_at",
                "2001-01-01T00:00:00Z")).when().post("/api/v1/keys").then().statusCode(400)
                .body("field", equalTo("expires_at"));
        String name = Fixtures.unique("twice");
        given().contentType(ContentType.JSON).body(Map.of("name", name, "role", "reader")).when().post("/api/v1/keys")
                .then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("name", name, "role", "reader")).when().post("/api/v1/keys")
                .then().statusCode(409);
        given().when().get("/api/v1/keys/not-a-uuid").then().statusCode(400);
        given().when().delete("/api/v1/keys/" + java.util.UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void two_admins_revoking_each_other_at_once_never_leave_the_service_without_an_admin() throws Exception {
        // The tests' own admin key must not be the one that keeps the service administrable: it is revoked first
        // by a fresh admin, and restored afterwards.
        for (int round = 0; round < 20; round++) {
            String first = Keys.issue("admin");
            String second = Keys.issue("admin");
            List<String> others = liveAdminsExcept(first, second);
            for (String other : others) {
                Keys.as(first).when().delete("/api/v1/keys/" + other).then().statusCode(204);
            }
            String firstId = idOf(first, first);
            String secondId = idOf(second, first);
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(
                    () -> Keys.as(first).when().delete("/api/v1/keys/" + secondId).statusCode());
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(
                    () -> Keys.as(second).when().delete("/api/v1/keys/" + firstId).statusCode());
            List<Integer> answers = List.of(a.get(), b.get());
            assertThat(Database.count("select count(*) from api_keys where role = 'admin' and revoked_at is null"))
                    .as("round " + round + ": " + answers).isEqualTo(1);
            assertThat(answers).as("round " + round).containsAnyOf(204).doesNotContain(500);
            restoreTestAdmin();
        }
    }

    private static List<String> liveAdminsExcept(String... secrets) {
        List<String> hashes = new ArrayList<>();
        for (String s : secrets) {
            hashes.add("'" + Secrets.hash(s) + "'");
        }
        List<String> ids = new ArrayList<>();
        Database.rows("select id from api_keys where role = 'admin' and revoked_at is null and secret_hash not in ("
                + String.join(", ", hashes) + ")").forEach(r -> ids.add(r.get(0).toString()));
        return ids;
    }

    private static void restoreTestAdmin() {
        Database.execute("update api_keys set revoked_at = null where secret_hash = '" + Secrets.hash(AsAdmin.key())
                + "'");
    }

    private static String idOf(String secret) {
        return idOf(secret, AsAdmin.key());
    }

    private static String idOf(String secret, String admin) {
        return Database.rows("select id from api_keys where secret_hash = '" + Secrets.hash(secret) + "'").get(0)
                .get(0).toString();
    }
}
