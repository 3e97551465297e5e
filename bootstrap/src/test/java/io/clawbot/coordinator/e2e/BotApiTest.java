package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = TestServers.class, restrictToAnnotatedClass = false)
class BotApiTest {

    @Test
    void registering_a_bot_returns_it_offline_with_the_seed_shape() {
        String name = Fixtures.unique("build-bot");
        given().contentType(ContentType.JSON)
                .body("""
                        {"name": "%s", "capabilities": ["python", "docker", "build"],
                         "metadata": {"version": "1.0", "region": "us-west"}}
                        """.formatted(name))
                .when().post("/api/v1/bots")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/bots/"))
                .body("id", notNullValue())
                .body("name", equalTo(name))
                .body("capabilities", contains("python", "docker", "build"))
                .body("status", equalTo("offline"))
                .body("metadata.region", equalTo("us-west"))
                .body("created_at", notNullValue())
                .body("last_heartbeat_at", nullValue())
                .body("slots", equalTo(1))
                .body("token", startsWith("cbt_"));
    }

    @Test
    void a_taken_name_is_a_conflict() {
        String name = Fixtures.unique("twin");
        Fixtures.registerBot(name, "python");
        given().contentType(ContentType.JSON).body("{\"name\": \"" + name + "\"}")
                .when().post("/api/v1/bots")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:bot-name-taken"));
    }

    @Test
    void a_bot_without_a_name_is_rejected_naming_the_field() {
        given().contentType(ContentType.JSON).body("{\"capabilities\": [\"python\"]}")
                .when().post("/api/v1/bots")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("name"));
    }

    @Test
    void getting_a_bot_returns_it_and_an_unknown_id_is_404() {
        String id = Fixtures.registerBot(Fixtures.unique("getter"), "python");
        given().when().get("/api/v1/bots/" + id).then().statusCode(200).body("id", equalTo(id))
                .body("token", nullValue());
        given().when().get("/api/v1/bots/" + UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:bot-not-found"));
    }

    @Test
    void listing_bots_filters_by_capability_and_status() {
        String capability = Fixtures.unique("cap");
        String id = Fixtures.registerBot(Fixtures.unique("lister"), capability);
        Fixtures.registerBot(Fixtures.unique("other"), "python");
        given().queryParam("capability", capability).when().get("/api/v1/bots")
                .then().statusCode(200).body("id", contains(id));
        given().queryParam("capability", capability).queryParam("status", "online").when().get("/api/v1/bots")
                .then().statusCode(200).body("size()", equalTo(0));
        given().queryParam("status", "sleeping").when().get("/api/v1/bots")
                .then().statusCode(400).body("field", equalTo("status"));
        given().queryParam("limit", 501).when().get("/api/v1/bots")
                .then().statusCode(400).body("field", equalTo("limit"));
    }

    @Test
    void a_heartbeat_brings_a_bot_online_and_makes_it_available() {
        String capability = Fixtures.unique("cap");
        String id = Fixtures.registerBot(Fixtures.unique("beater"), capability);
        given().queryParam("capability", capability).when().get("/api/v1/bots/available")
                .then().statusCode(200).body("id", not(hasItem(id)));

        given().when().post("/api/v1/bots/" + id + "/heartbeat")
                .then().statusCode(200).body("status", equalTo("online")).body("last_heartbeat_at", notNullValue());

        given().queryParam("capability", capability).when().get("/api/v1/bots/available")
                .then().statusCode(200).body("id", contains(id));
        given().when().post("/api/v1/bots/" + UUID.randomUUID() + "/heartbeat").then().statusCode(404);
        given().queryParam("limit", 0).when().get("/api/v1/bots/available")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("limit"));
    }

    @Test
    void an_offline_bot_that_still_holds_a_task_comes_back_busy() {
        String type = Fixtures.unique("returning");
        String id = Fixtures.registerBot(Fixtures.unique("returner"), type);
        Fixtures.assign(Fixtures.createTask(type, 0), id);
        given().when().post("/api/v1/bots/" + id + "/heartbeat").then().statusCode(200)
                .body("status", equalTo("busy"));
    }

    @Test
    void busy_and_available_move_an_online_bot_and_refuse_an_offline_one() {
        String id = Fixtures.registerBot(Fixtures.unique("worker"), "python");
        given().when().post("/api/v1/bots/" + id + "/busy")
                .then().statusCode(409).body("type", equalTo("urn:clawbot:problem:bot-offline"));

        Fixtures.heartbeat(id);
        given().when().post("/api/v1/bots/" + id + "/busy").then().statusCode(200).body("status", equalTo("busy"));
        given().when().get("/api/v1/bots/available").then().body("id", not(hasItem(id)));
        given().when().post("/api/v1/bots/" + id + "/available")
                .then().statusCode(200).body("status", equalTo("online"));
        given().when().post("/api/v1/bots/" + UUID.randomUUID() + "/available").then().statusCode(404);
    }

    @Test
    void deleting_a_bot_removes_it_but_not_while_it_holds_a_task() {
        String id = Fixtures.registerBot(Fixtures.unique("doomed"), "python");
        String task = Fixtures.createTask("python", 0);
        Fixtures.assign(task, id);
        given().when().delete("/api/v1/bots/" + id)
                .then().statusCode(409).body("type", equalTo("urn:clawbot:problem:bot-has-tasks"));

        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/tasks/" + task + "/complete")
                .then().statusCode(200);
        given().when().delete("/api/v1/bots/" + id).then().statusCode(204);
        given().when().get("/api/v1/bots/" + id).then().statusCode(404);
        given().when().delete("/api/v1/bots/" + id).then().statusCode(404);
    }
}
