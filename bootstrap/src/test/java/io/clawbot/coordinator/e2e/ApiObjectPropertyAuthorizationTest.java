package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * OWASP API Security Top 10 (2023), API3 Broken Object Property Level Authorization: secrets leave the service
 * once, in the answer that creates them, and never in a read; a client cannot set properties that are the
 * service's to set (who owns a task, its status, attempt or bot, a key's secret or last use).
 */
@QuarkusTest
class ApiObjectPropertyAuthorizationTest {

    @Test
    void a_bots_token_is_shown_once_and_never_in_a_read() {
        var bot = Fixtures.registerBotWithToken(Fixtures.unique("secretive"), "x");
        for (String read : new String[]{ "/api/v1/bots/" + bot.id(), "/api/v1/bots?limit=500",
                "/api/v1/bots/available?limit=500" }) {
            String body = given().when().get(read).then().statusCode(200).extract().asString();
            assertThat(body).doesNotContain(bot.token()).doesNotContain("token_hash").doesNotContain("\"token\"");
        }
    }

    @Test
    void a_keys_secret_and_hash_are_never_in_a_read() {
        String secret = Keys.issue("reader");
        String body = given().when().get("/api/v1/keys?limit=500").then().statusCode(200).extract().asString();
        assertThat(body).doesNotContain(secret).doesNotContain("secret_hash")
                .doesNotContain(io.clawbot.coordinator.domain.access.Secrets.hash(secret));
    }

    @Test
    void properties_the_service_owns_cannot_be_set_by_a_client() {
        String submitter = Keys.issue("submitter");
        for (String field : new String[]{ "\"owner_key_id\": \"00000000-0000-0000-0000-000000000000\"",
                "\"status\": \"completed\"", "\"attempt\": 7", "\"bot_id\": \"00000000-0000-0000-0000-000000000000\"",
                "\"result\": {\"done\": true}", "\"id\": \"00000000-0000-0000-0000-000000000000\"" }) {
            Keys.as(submitter).contentType(ContentType.JSON).body("{\"type\": \"props\", " + field + "}").when()
                    .post("/api/v1/tasks").then().statusCode(400).contentType("application/problem+json");
        }
        for (String field : new String[]{ "\"key\": \"cbk_" + "A".repeat(43) + "\"", "\"last_used_at\": "
                + "\"2026-01-01T00:00:00Z\"", "\"revoked_at\": null", "\"prefix\": \"cbk_aaaaaa\"" }) {
            given().contentType(ContentType.JSON).body("{\"name\": \"" + Fixtures.unique("p") + "\", \"role\": "
                    + "\"reader\", " + field + "}").when().post("/api/v1/keys").then().statusCode(400);
        }
        String task = Keys.as(submitter).contentType(ContentType.JSON).body("{\"type\": \"props\"}").when()
                .post("/api/v1/tasks").then().statusCode(201).extract().path("id");
        given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("pending"))
                .body("bot_id", nullValue()).body("attempt", equalTo(0));
    }
}
