package io.clawbot.coordinator.adapters.jsonschema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.ValidationException.Violation;
import io.clawbot.coordinator.domain.tasktype.port.SchemaCheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON Schema 2020-12 with networknt's json-schema-validator. Schemas are self-contained: references outside the
 * schema ({@code $ref} not starting with {@code #}) are refused when a schema is registered, and nothing is ever
 * fetched. Compiled schemas are kept (the most recent {@value #CACHED}), keyed by their text.
 */
public final class NetworkntSchemaCheck implements SchemaCheck {

    static final int CACHED = 256;
    static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
    private static final int MAX_VIOLATIONS = 100;

    private final ObjectMapper json = new ObjectMapper();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
    private final Schema metaSchema = registry.getSchema(SchemaLocation.of(DIALECT));
    private final Map<String, Schema> compiled = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Schema> eldest) {
                    return size() > CACHED;
                }
            });

    @Override
    public void requireValidSchema(String field, Map<String, Object> schema) {
        requireLocalReferences(field, schema, "");
        Object dialect = schema.get("$schema");
        if (dialect != null && !DIALECT.equals(dialect)) {
            throw new ValidationException(field + ".$schema", "must be " + DIALECT + " (or absent)");
        }
        List<Violation> faults = check(metaSchema, text(schema));
        if (!faults.isEmpty()) {
            throw new ValidationException(field, "is not a valid JSON Schema (2020-12): " + faults.size()
                    + " fault(s), the first at '" + faults.getFirst().pointer() + "': " + faults.getFirst().message(),
                    faults);
        }
        try {
            compile(schema);
        } catch (SchemaException | IllegalArgumentException e) {
            throw new ValidationException(field, "is not a usable JSON Schema: " + e.getMessage());
        }
    }

    @Override
    public List<Violation> violations(Map<String, Object> schema, Object document) {
        return check(compile(schema), text(document));
    }

    private Schema compile(Map<String, Object> schema) {
        String text = text(schema);
        Schema found = compiled.get(text);
        if (found == null) {
            found = registry.getSchema(text, InputFormat.JSON);
            found.initializeValidators();
            compiled.put(text, found);
        }
        return found;
    }

    private static List<Violation> check(Schema schema, String document) {
        List<Violation> out = new ArrayList<>();
        for (Error error : schema.validate(document, InputFormat.JSON)) {
            if (out.size() == MAX_VIOLATIONS) {
                break;
            }
            out.add(new Violation(pointer(error.getInstanceLocation()), message(error)));
        }
        return out;
    }

    /** The place of an error as a JSON Pointer (RFC 6901). */
    static String pointer(NodePath path) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            pointer.append('/').append(String.valueOf(path.getElement(i)).replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    /** The error's message without the path the library puts before it. */
    private static String message(Error error) {
        String message = error.getMessage();
        String location = error.getInstanceLocation().toString();
        if (message.startsWith(location + ": ")) {
            return message.substring(location.length() + 2);
        }
        return message;
    }

    private static void requireLocalReferences(String field, Object node, String at) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                if ((key.equals("$ref") || key.equals("$dynamicRef")) && !(e.getValue() instanceof String ref
                        && ref.startsWith("#"))) {
                    throw new ValidationException(field + at + "/" + key, "must refer within the schema ('#...');"
                            + " schemas are self-contained and nothing is fetched");
                }
                requireLocalReferences(field, e.getValue(), at + "/" + key);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                requireLocalReferences(field, list.get(i), at + "/" + i);
            }
        }
    }

    private String text(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a document as JSON", e);
        }
    }
}
