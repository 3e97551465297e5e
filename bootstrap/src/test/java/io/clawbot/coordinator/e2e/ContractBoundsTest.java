package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The bounds the API document declares on request bodies are the ones the service enforces: for every
 * {@code minimum}, {@code maximum}, {@code maxLength} and {@code maxItems} on a body of an operation without path
 * parameters (and on the objects such a body holds), the value just outside is refused with a 400 naming that
 * field, and the bound itself is not. The bodies are the components' own examples, so the test follows the
 * document as it grows.
 */
@QuarkusTest
class ContractBoundsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private record Probe(String method, String path, String field, String rule, JsonNode body, boolean outside) {
    }

    @Test
    void every_declared_bound_on_a_request_body_is_the_one_enforced() throws Exception {
        JsonNode doc = JSON.readTree(given().port(ServiceApiTest.managementPort()).noFiltersOfType(AsAdmin.class)
                .queryParam("format", "json").when().get("/q/openapi").then().statusCode(200).extract().asString());
        List<Probe> probes = new ArrayList<>();
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            JsonNode ref = op.getValue().at("/requestBody/content/application~1json/schema/$ref");
            if (path.getKey().contains("{") || ref.isMissingNode()) {
                return;
            }
            String component = name(ref.asText());
            JsonNode example = doc.at("/components/schemas/" + component + "/example");
            assertThat(example.isObject()).as("example of %s", component).isTrue();
            JsonNode schema = doc.at("/components/schemas/" + component);
            probes(doc, new Context(op.getKey().toUpperCase(), path.getKey(), schema, (ObjectNode) example, schema,
                    example, probes), "");
        }));
        // The bodies reached: tasks (with their retry choices), workflows, bots, keys, schedules and previews.
        assertThat(probes).extracting(Probe::field).contains("priority", "timeout_seconds", "retry.max_attempts",
                "retry.jitter", "task_payloads", "capabilities", "count", "name");

        List<String> wrong = new ArrayList<>();
        for (Probe probe : probes) {
            Response response = given().contentType(ContentType.JSON).body(JSON.writeValueAsString(probe.body()))
                    .when().request(probe.method(), probe.path());
            String field = response.statusCode() == 400 && response.contentType().startsWith("application/problem+json")
                    ? response.jsonPath().getString("field")
                    : null;
            boolean refused = probe.field().equals(field);
            if (refused != probe.outside()) {
                wrong.add("%s %s %s %s (%s): answered %d %s".formatted(probe.method(), probe.path(), probe.field(),
                        probe.rule(), probe.outside() ? "just outside" : "the bound", response.statusCode(),
                        response.asString()));
            }
        }
        assertThat(wrong).as("bounds that the document and the service disagree on").isEmpty();
        assertThat(probes).hasSizeGreaterThan(20);
    }

    /** Where the probes of one component are being made: the operation, the body and the component's place. */
    private record Context(String method, String path, JsonNode rootSchema, ObjectNode root, JsonNode schema,
            JsonNode here, List<Probe> probes) {
    }

    /** Adds the probes of every bounded property of the context's component, found at {@code prefix}. */
    private static void probes(JsonNode doc, Context context, String prefix) {
        context.schema().path("properties").properties().forEach(p -> {
            String name = p.getKey();
            JsonNode property = p.getValue();
            String field = prefix + name;
            JsonNode nested = property.has("$ref") ? property.get("$ref") : property.at("/anyOf/0/$ref");
            if (!nested.isMissingNode() && context.here().path(name).isObject()) {
                probes(doc, new Context(context.method(), context.path(), context.rootSchema(), context.root(),
                        doc.at("/components/schemas/" + name(nested.asText())), context.here().get(name),
                        context.probes()), field + ".");
                return;
            }
            boolean integer = integer(property);
            if (property.has("maximum")) {
                double max = property.get("maximum").asDouble();
                add(context, field, "maximum", number(max, integer), false);
                add(context, field, "maximum", number(max + (integer ? 1 : 0.5), integer), true);
            }
            if (property.has("minimum")) {
                double min = property.get("minimum").asDouble();
                add(context, field, "minimum", number(min, integer), false);
                add(context, field, "minimum", number(min - (integer ? 1 : 0.5), integer), true);
            }
            if (property.has("maxLength")) {
                int max = property.get("maxLength").asInt();
                // At the bound: the example's own value, padded (with spaces where it has words, as a cron
                // expression does, so that it stays valid).
                String own = context.here().path(name).asText("n");
                String pad = own.contains(" ") ? " " : "n";
                add(context, field, "maxLength", NODES.textNode(own + pad.repeat(Math.max(0, max - own.length()))),
                        false);
                add(context, field, "maxLength", NODES.textNode("n".repeat(max + 1)), true);
            }
            if (property.has("maxItems")) {
                int max = property.get("maxItems").asInt();
                JsonNode sample = context.here().path(name).path(0);
                add(context, field, "maxItems", items(sample, max), false);
                add(context, field, "maxItems", items(sample, max + 1), true);
            }
        });
    }

    private static boolean integer(JsonNode property) {
        return property.path("type").asText().equals("integer")
                || property.path("type").toString().contains("\"integer\"");
    }

    /**
     * A probe of {@code root} with {@code field} set to {@code value}; at a bound, the field's siblings that have
     * the same kind of bound are set to theirs too, so that rules between fields (a longest wait not less than the
     * first) still hold.
     */
    private static void add(Context context, String field, String rule, JsonNode value, boolean outside) {
        ObjectNode body = context.root().deepCopy();
        isolate(context.rootSchema(), body);
        ObjectNode target = body;
        String[] parts = field.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            target = (ObjectNode) target.get(parts[i]);
        }
        String name = parts[parts.length - 1];
        if (!outside && (rule.equals("minimum") || rule.equals("maximum"))) {
            for (var sibling : context.schema().path("properties").properties()) {
                JsonNode bound = sibling.getValue().get(rule);
                if (bound != null && !sibling.getKey().equals(name)) {
                    target.set(sibling.getKey(), number(bound.asDouble(), integer(sibling.getValue())));
                }
            }
        }
        target.set(name, value);
        context.probes().add(new Probe(context.method(), context.path(), field, rule, body, outside));
    }

    /**
     * Names that must be unique get a fresh value, so that a probe at the bound does not meet an earlier one; what
     * a probe creates is of a type no bot has, not started and not enabled, so that it touches no other test.
     */
    private static void isolate(JsonNode schema, ObjectNode body) {
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        if (body.path("name").isTextual()) {
            body.put("name", body.get("name").asText() + suffix);
        }
        for (String type : List.of("type", "task_type")) {
            if (schema.path("properties").has(type)) {
                body.put(type, "bounds" + suffix);
            }
        }
        for (String flag : List.of("auto_start", "enabled")) {
            if (schema.path("properties").has(flag)) {
                body.put(flag, false);
            }
        }
    }

    private static JsonNode number(double value, boolean integer) {
        return integer ? NODES.numberNode((long) value) : NODES.numberNode(value);
    }

    private static String text(int length) {
        return "n".repeat(length);
    }

    /** {@code count} distinct items shaped like {@code sample}: strings get a suffix, objects are copied. */
    private static ArrayNode items(JsonNode sample, int count) {
        ArrayNode items = NODES.arrayNode();
        for (int i = 0; i < count; i++) {
            if (sample.isObject()) {
                items.add(sample.deepCopy());
            } else {
                items.add((sample.isTextual() ? sample.asText() : "item") + "-" + i);
            }
        }
        return items;
    }

    private static String name(String ref) {
        return ref.substring(ref.lastIndexOf('/') + 1);
    }
}
