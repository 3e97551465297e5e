package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** API keys for the access tests, issued through the API by the tests' admin key. */
final class Keys {

    private Keys() {
    }

    /** A new key with this role; returns its secret. */
    static String issue(String role, String... taskTypes) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", role + "-" + UUID.randomUUID().toString().substring(0, 8), "role", role,
                        "task_types", List.of(taskTypes)))
                .when().post("/api/v1/keys").then().statusCode(201).extract().path("key");
    }

    /** A request sent with this secret as its bearer credentials. */
    static RequestSpecification as(String secret) {
        return given().header("Authorization", "Bearer " + secret);
    }
}
