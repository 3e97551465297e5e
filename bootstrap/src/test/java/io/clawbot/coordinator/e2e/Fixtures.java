package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.UUID;

/** Small builders of test data through the public API. */
final class Fixtures {

    private Fixtures() {
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String registerBot(String name, String... capabilities) {
        String caps = String.join("\", \"", capabilities);
        return given().contentType(ContentType.JSON)
                .body("{\"name\": \"" + name + "\", \"capabilities\": [\"" + caps + "\"]}")
                .when().post("/api/v1/bots")
                .then().statusCode(201).extract().path("id");
    }

    /** A registered bot's id and token. */
    record BotCredentials(String id, String token) {
    }

    static BotCredentials registerBotWithToken(String name, String... capabilities) {
        String caps = String.join("\", \"", capabilities);
        var response = given().contentType(ContentType.JSON)
                .body("{\"name\": \"" + name + "\", \"capabilities\": [\"" + caps + "\"]}")
                .when().post("/api/v1/bots")
                .then().statusCode(201).extract();
        return new BotCredentials(response.path("id"), response.path("token"));
    }

    static void heartbeat(String botId) {
        given().when().post("/api/v1/bots/" + botId + "/heartbeat").then().statusCode(200);
    }

    static String createTask(String type, int priority) {
        return given().contentType(ContentType.JSON)
                .body("{\"type\": \"" + type + "\", \"priority\": " + priority + ", \"payload\": {\"n\": 1}}")
                .when().post("/api/v1/tasks")
                .then().statusCode(201).extract().path("id");
    }

    static void assign(String taskId, String botId) {
        given().contentType(ContentType.JSON).body("{\"bot_id\": \"" + botId + "\"}")
                .when().post("/api/v1/tasks/" + taskId + "/assign")
                .then().statusCode(200);
    }
}
