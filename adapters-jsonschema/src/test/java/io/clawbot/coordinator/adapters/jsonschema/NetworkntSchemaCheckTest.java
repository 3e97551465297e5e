package io.clawbot.coordinator.adapters.jsonschema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.ValidationException.Violation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkntSchemaCheckTest {

    private final NetworkntSchemaCheck check = new NetworkntSchemaCheck();

    private static final Map<String, Object> BUILD = Map.of("type", "object",
            "required", List.of("repo", "ref"),
            "properties", Map.of("repo", Map.of("type", "string", "minLength", 1),
                    "ref", Map.of("type", "string"),
                    "depth", Map.of("type", "integer", "minimum", 1),
                    "targets", Map.of("type", "array", "items", Map.of("$ref", "#/$defs/target"))),
            "additionalProperties", false,
            "$defs", Map.of("target", Map.of("enum", List.of("linux", "mac"))));

    @Test
    void a_matching_document_has_no_violations() {
        check.requireValidSchema("payload_schema", BUILD);
        assertThat(check.violations(BUILD, Map.of("repo", "app", "ref", "main", "targets", List.of("linux"))))
                .isEmpty();
    }

    @Test
    void every_violation_is_listed_with_its_json_pointer() {
        List<Violation> violations = check.violations(BUILD, Map.of("repo", "", "depth", 0, "targets",
                List.of("linux", "windows"), "extra/field", true));
        assertThat(violations).extracting(Violation::pointer).containsExactlyInAnyOrder("", "/repo", "/depth",
                "/targets/1", "");
        assertThat(violations).allSatisfy(v -> assertThat(v.message()).isNotBlank().doesNotStartWith("$"));
        assertThat(violations).extracting(Violation::message).anyMatch(m -> m.contains("ref"));
    }

    @Test
    void invalid_schemas_and_outside_references_are_refused() {
        assertThatThrownBy(() -> check.requireValidSchema("payload_schema", Map.of("type", "objekt")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("payload_schema");
        assertThatThrownBy(() -> check.requireValidSchema("payload_schema", Map.of("minimum", "one")))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> check.requireValidSchema("payload_schema",
                Map.of("properties", Map.of("a", Map.of("$ref", "https://example.com/evil.json")))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("/properties/a/$ref");
        assertThatThrownBy(() -> check.requireValidSchema("payload_schema",
                Map.of("$ref", "file:///etc/passwd"))).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> check.requireValidSchema("payload_schema",
                Map.of("$schema", "http://json-schema.org/draft-04/schema#"))).isInstanceOf(ValidationException.class)
                .hasMessageContaining("$schema");
    }

    @Test
    void pointers_escape_slashes_and_tildes() {
        Map<String, Object> schema = Map.of("properties", Map.of("a/b~c", Map.of("type", "integer")));
        assertThat(check.violations(schema, Map.of("a/b~c", "x"))).extracting(Violation::pointer)
                .containsExactly("/a~1b~0c");
    }
}
