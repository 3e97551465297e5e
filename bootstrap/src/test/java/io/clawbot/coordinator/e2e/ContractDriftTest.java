package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The API document the service serves is the one committed in {@code openapi/openapi.yaml} (which the generated
 * clients and the linter read) and the one the build exports: a change to the contract is a reviewed change.
 */
@QuarkusTest
class ContractDriftTest {

    static final Path COMMITTED = Path.of("..", "openapi", "openapi.yaml");
    static final Path EXPORTED = Path.of("target", "openapi", "openapi.yaml");
    private static final String HOW_TO_UPDATE = "the API contract changed: review the difference and update the"
            + " committed document with scripts/update-openapi.sh";
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void the_served_document_is_the_committed_one() throws IOException {
        String served = given().port(ServiceApiTest.managementPort()).noFiltersOfType(AsAdmin.class)
                .queryParam("format", "yaml").when().get("/q/openapi").then().statusCode(200).extract().asString();
        same(served, Files.readString(COMMITTED, StandardCharsets.UTF_8), "served /q/openapi", COMMITTED);
    }

    @Test
    void the_document_the_build_exports_is_the_committed_one() throws IOException {
        assertThat(EXPORTED).as("the build's export (quarkus.smallrye-openapi.store-schema-directory)").exists();
        same(Files.readString(EXPORTED, StandardCharsets.UTF_8), Files.readString(COMMITTED, StandardCharsets.UTF_8),
                EXPORTED.toString(), COMMITTED);
    }

    /**
     * Compares the two documents as trees (the service serialises its keys in an order of its own), naming the
     * first place where they differ.
     */
    private static void same(String actual, String committed, String what, Path file) throws IOException {
        JsonNode a = YAML.readTree(actual);
        JsonNode c = YAML.readTree(committed);
        String where = firstDifference(a, c, "");
        if (where != null) {
            fail("%s differs from %s at %s:%n  %s: %s%n  %s: %s%n%s", what, file, where.isEmpty() ? "/" : where,
                    what, a.at(where), file, c.at(where), HOW_TO_UPDATE);
        }
    }

    /** The JSON pointer of the first difference between two trees, or {@code null} when they are equal. */
    static String firstDifference(JsonNode a, JsonNode b, String pointer) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                if (!a.has(name) || !b.has(name)) {
                    return child;
                }
                String inner = firstDifference(a.get(name), b.get(name), child);
                if (inner != null) {
                    return inner;
                }
            }
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String inner = firstDifference(a.get(i), b.get(i), pointer + "/" + i);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return pointer;
    }
}
