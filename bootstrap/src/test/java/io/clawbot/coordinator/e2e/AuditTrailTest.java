package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Administrative actions are recorded with who, what, on what, when and from where, for admins to read. */
@QuarkusTest
class AuditTrailTest {

    @Test
    void an_operators_cancel_and_an_admins_key_revocation_are_in_the_trail_a_refused_one_is_not() {
        String operator = Keys.issue("operator");
        String operatorName = Database.rows("select name from api_keys where secret_hash = '"
                + io.clawbot.coordinator.domain.access.Secrets.hash(operator) + "'").get(0).get(0).toString();
        String task = Fixtures.createTask(Fixtures.unique("audited"), 0);
        Keys.as(operator).contentType(ContentType.JSON).body("{\"reason\": \"no longer needed\"}").when()
                .post("/api/v1/tasks/" + task + "/cancel").then().statusCode(200);
        Keys.as(operator).when().post("/api/v1/tasks/" + task + "/redrive").then().statusCode(409);
        String reader = Keys.issue("reader");
        String readerId = Database.rows("select id from api_keys where secret_hash = '"
                + io.clawbot.coordinator.domain.access.Secrets.hash(reader) + "'").get(0).get(0).toString();
        given().when().delete("/api/v1/keys/" + readerId).then().statusCode(204);

        List<Map<String, Object>> byOperator = given().queryParam("actor", "key:" + operatorName).when()
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(byOperator).hasSize(1);
        assertThat(byOperator.get(0)).containsEntry("action", "task.cancel").containsEntry("target", task)
                .containsKey("at");
        assertThat((String) byOperator.get(0).get("source")).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");

        List<Map<String, Object>> revocations = given().queryParam("action", "key.revoke").queryParam("limit", 500)
                .when().get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(revocations).anySatisfy(e -> assertThat(e).containsEntry("target", readerId));

        Keys.as(operator).when().get("/api/v1/audit").then().statusCode(403);
    }
}
