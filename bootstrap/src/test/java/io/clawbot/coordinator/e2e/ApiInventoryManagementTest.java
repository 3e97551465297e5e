package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OWASP API Security Top 10 (2023), API9 Improper Inventory Management: the API port serves the documented API and
 * nothing else — no API document, no UI, no metrics, no development or debug endpoints — and every operation it
 * serves is in the document (the access tests hold each one to a role).
 */
@QuarkusTest
class ApiInventoryManagementTest {

    @Test
    void nothing_undocumented_answers_on_the_api_port() {
        for (String path : List.of("/q/openapi", "/q/swagger-ui/", "/q/metrics", "/q/health", "/q/dev-ui/",
                "/q/dev/", "/q/arc", "/q/info", "/openapi", "/swagger-ui", "/metrics", "/actuator", "/debug",
                "/api/v2/tasks", "/api/v1/admin", "/api/v1/debug")) {
            for (boolean withKey : List.of(true, false)) {
                var request = withKey ? given() : given().noFiltersOfType(AsAdmin.class);
                int status = request.when().get(path).statusCode();
                assertThat(status).as(path + (withKey ? " with a key" : " without a key")).isEqualTo(404);
            }
        }
    }

    @Test
    void the_api_document_names_the_service_version_and_how_to_authenticate() {
        var doc = given().port(ServiceApiTest.managementPort()).queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).extract().jsonPath();
        assertThat(doc.getString("info.version")).isNotBlank();
        assertThat(doc.getString("info.title")).contains("ClawBot");
        assertThat(doc.getString("components.securitySchemes.bearer.type")).isEqualTo("http");
        assertThat(doc.getString("components.securitySchemes.bearer.scheme")).isEqualTo("bearer");
        assertThat(doc.getList("paths.'/api/v1/tasks'.get.security")).isNotEmpty();
        assertThat(doc.getMap("paths.'/api/v1/tasks'.get.responses")).containsKeys("401", "403");
        assertThat(doc.getList("paths.'/health'.get.security")).isNull();
    }
}
