package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OWASP API Security Top 10 (2023), API8 Security Misconfiguration: the headers every answer carries, no
 * cross-origin access by default, no browser-form bodies, addresses that do not follow the client's Host, input
 * the database cannot hold refused at the edge, and operational endpoints kept off the API port.
 */
@QuarkusTest
class ApiSecurityMisconfigurationTest {

    @Test
    void every_answer_forbids_caching_sniffing_framing_and_scripts() {
        for (Response response : List.of(given().when().get("/api/v1/tasks"),
                given().noFiltersOfType(AsAdmin.class).when().get("/api/v1/tasks"),
                given().when().get("/api/v1/nowhere"), given().when().get("/health"))) {
            assertThat(response.header("Cache-Control")).isEqualTo("no-store");
            assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'");
            assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        }
    }

    @Test
    void cross_origin_requests_get_no_permission_by_default() {
        Response preflight = given().noFiltersOfType(AsAdmin.class).header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").when()
                .options("/api/v1/tasks");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        assertThat(preflight.header("Access-Control-Allow-Headers")).isNull();
        given().header("Origin", "https://evil.example").when().get("/api/v1/tasks").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void bodies_a_web_page_can_send_without_a_preflight_are_refused() {
        String task = Fixtures.createTask(Fixtures.unique("csrf"), 0);
        given().formParam("reason", "x").when().post("/api/v1/tasks/" + task + "/cancel").then().statusCode(415)
                .contentType("application/problem+json");
        given().multiPart("reason", "x").when().post("/api/v1/tasks/" + task + "/cancel").then().statusCode(415);
        given().contentType("text/plain").body("{\"reason\": \"x\"}").when().post("/api/v1/tasks/" + task + "/cancel")
                .then().statusCode(415);
        given().formParam("type", "x").when().post("/api/v1/tasks").then().statusCode(415);
        given().contentType("text/plain").body("{\"type\": \"x\"}").when().post("/api/v1/tasks").then()
                .statusCode(415);
        given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("pending"));
        // Without a key, a cross-site page gets nothing at all.
        given().noFiltersOfType(AsAdmin.class).contentType("text/plain").body("x").when()
                .post("/api/v1/tasks/" + task + "/cancel").then().statusCode(415);
        given().noFiltersOfType(AsAdmin.class).when().post("/api/v1/tasks/" + task + "/cancel").then()
                .statusCode(401);
        given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("pending"));
    }

    @Test
    void a_location_never_names_the_host_the_client_chose() {
        given().header("Host", "evil.example").contentType(ContentType.JSON).body("{\"type\": \"loc\"}").when()
                .post("/api/v1/tasks").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.startsWith("/api/v1/tasks/"));
    }

    @Test
    void the_nul_character_is_refused_everywhere_it_could_enter_and_changes_nothing() {
        long tasks = Database.count("select count(*) from tasks");
        long bots = Database.count("select count(*) from bots");
        List<Response> answers = List.of(
                given().contentType(ContentType.JSON).body("{\"name\": \"\\u0000\"}").when().post("/api/v1/bots"),
                given().contentType(ContentType.JSON).body("{\"type\": \"t\", \"payload\": {\"k\": \"a\\u0000b\"}}")
                        .when().post("/api/v1/tasks"),
                given().contentType(ContentType.JSON).body("{\"type\": \"t\", \"payload\": {\"a\\u0000\": 1}}")
                        .when().post("/api/v1/tasks"),
                given().urlEncodingEnabled(false).when().get("/api/v1/tasks?type=%00"),
                given().urlEncodingEnabled(false).when().get("/api/v1/bots?capability=a%00b"),
                given().urlEncodingEnabled(false).when().get("/api/v1/workflow-definitions/a%00b"),
                given().contentType("application/yaml").body("workflow:\n  name: \"a\\0b\"\n  jobs:\n    - id: j\n"
                        .getBytes(StandardCharsets.UTF_8)).when().post("/api/v1/workflows/from-yaml"),
                given().contentType("application/yaml").body("workflow:\n  name: \"a\\x00b\"\n  jobs:\n    - id: j\n"
                        .getBytes(StandardCharsets.UTF_8)).when().post("/api/v1/workflows/from-yaml"));
        for (Response answer : answers) {
            assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(400);
            assertThat(answer.contentType()).isEqualTo("application/problem+json");
            assertThat(answer.asString()).contains("U+0000");
        }
        assertThat(Database.count("select count(*) from tasks")).isEqualTo(tasks);
        assertThat(Database.count("select count(*) from bots")).isEqualTo(bots);
    }

    @Test
    void a_start_time_beyond_what_the_database_holds_is_refused() {
        for (String runAt : List.of("+999999999-12-31T23:59:59Z", Instant.now().plusSeconds(8 * 24 * 3600).toString(),
                "1969-12-31T23:59:59Z")) {
            given().contentType(ContentType.JSON).body("{\"type\": \"t\", \"run_at\": \"" + runAt + "\"}").when()
                    .post("/api/v1/tasks").then().statusCode(400).body("field", equalTo("run_at"));
        }
        given().contentType(ContentType.JSON).body("{\"type\": \"t\", \"run_at\": \""
                + Instant.now().plusSeconds(3600) + "\"}").when().post("/api/v1/tasks").then().statusCode(201);
    }
}
