package io.clawbot.coordinator.adapters.rest.common;

import io.clawbot.coordinator.domain.access.Role;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.schedule.MisfirePolicy;
import io.clawbot.coordinator.domain.schedule.ScheduleTarget;
import io.clawbot.coordinator.domain.trigger.DeliveryOutcome;
import io.clawbot.coordinator.domain.trigger.Trigger;
import io.clawbot.coordinator.domain.trigger.TriggerSource;
import io.clawbot.coordinator.domain.trigger.TriggerTarget;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

/**
 * Makes the API document say what the wire does, from the same sources the service reads and writes with, so
 * that the two cannot drift:
 * <ul>
 * <li>status and other enumerations come from the domain's enums ({@code wire()} names);</li>
 * <li>path and query parameters, taken as strings so that a bad value gets a precise problem document, are
 * described with the types and bounds that {@link Params} and {@link PageRequest} enforce;</li>
 * <li>identifiers and instants are inline strings with their format; in answers, a property not listed as
 * required may be {@code null} (the service writes every property, null or not);</li>
 * <li>every error answer is an RFC 9457 problem document; the answers every operation may give (400 for bad
 * input, 401 and 403 for credentials and roles, 429 for rate limits) are added once here;</li>
 * <li>the roles an operation allows (from {@code @RolesAllowed}) are listed in its description and in
 * {@code x-roles}: a bearer scheme has no scopes.</li>
 * </ul>
 * It runs when the document is built, so the document exported by the build is the one the service serves.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD, priority = -100)
public class ContractFilter implements OASFilter {

    private static final String PROBLEM_REF = "#/components/schemas/Problem";
    private static final String EXAMPLES = "/openapi/examples.json";
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Map<String, SchemaType> FORMATS_BY_COMPONENT = Map.of("UUID", SchemaType.STRING, "Instant",
            SchemaType.STRING, "OffsetDateTime", SchemaType.STRING);
    private static final Map<String, String> FORMAT_NAMES = Map.of("UUID", "uuid", "Instant", "date-time",
            "OffsetDateTime", "date-time");

    /** Enumerated properties of the components: schema name, property name, the values on the wire. */
    private static final Map<String, Map<String, List<String>>> ENUMS = Map.ofEntries(
            Map.entry("Task", Map.of("status", wire(TaskStatus.values(), TaskStatus::wire))),
            Map.entry("TaskEvent", Map.of("from_status", wire(TaskStatus.values(), TaskStatus::wire), "to_status",
                    wire(TaskStatus.values(), TaskStatus::wire))),
            Map.entry("Workflow", Map.of("status", wire(WorkflowStatus.values(), WorkflowStatus::wire))),
            Map.entry("Bot", Map.of("status", wire(BotStatus.values(), BotStatus::wire))),
            Map.entry("RegisteredBot", Map.of("status", wire(BotStatus.values(), BotStatus::wire))),
            Map.entry("ApiKey", Map.of("role", wire(Role.values(), Role::wire))),
            Map.entry("IssuedKey", Map.of("role", wire(Role.values(), Role::wire))),
            Map.entry("CreateKeyRequest", Map.of("role", wire(Role.values(), Role::wire))),
            Map.entry("Schedule", Map.of("target", wire(ScheduleTarget.values(), ScheduleTarget::wire),
                    "misfire_policy", wire(MisfirePolicy.values(), MisfirePolicy::wire))),
            Map.entry("ScheduleRequest", Map.of("target", wire(ScheduleTarget.values(), ScheduleTarget::wire),
                    "misfire_policy", wire(MisfirePolicy.values(), MisfirePolicy::wire))),
            Map.entry("Trigger", Map.of("source", wire(TriggerSource.values(), TriggerSource::wire), "target",
                    wire(TriggerTarget.values(), TriggerTarget::wire))),
            Map.entry("TriggerRequest", Map.of("source", wire(TriggerSource.values(), TriggerSource::wire), "target",
                    wire(TriggerTarget.values(), TriggerTarget::wire))),
            Map.entry("TriggerDelivery", Map.of("outcome", wire(DeliveryOutcome.values(), DeliveryOutcome::wire),
                    "reply_state", List.of("none", "waiting", "sent", "failed"))),
            Map.entry("HookAnswer", Map.of("outcome", List.of("accepted", "duplicate", "filtered", "rejected"))));

    /** The {@code status} query parameter of each list, by path. */
    private static final Map<String, List<String>> STATUS_FILTERS = Map.of("/api/v1/tasks",
            wire(TaskStatus.values(), TaskStatus::wire), "/api/v1/bots", wire(BotStatus.values(), BotStatus::wire),
            "/api/v1/workflows", wire(WorkflowStatus.values(), WorkflowStatus::wire));

    private static final Set<String> ID_PARAMETERS = Set.of("bot_id", "key_id", "schedule_id", "task_id",
            "workflow_id");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Map<String, Schema> components = new LinkedHashMap<>(openAPI.getComponents().getSchemas());
        components.keySet().removeAll(FORMATS_BY_COMPONENT.keySet());
        components.replaceAll((name, schema) -> inlineScalars(schema));
        ENUMS.forEach((schema, properties) -> properties.forEach((property, values) -> {
            Schema s = components.get(schema);
            if (s == null || s.getProperties() == null || !s.getProperties().containsKey(property)) {
                throw new IllegalStateException("The API document has no property " + schema + "." + property);
            }
            s.getProperties().get(property).setEnumeration(new ArrayList<>(values));
        }));
        components.forEach((name, schema) -> {
            if (!name.endsWith("Request")) {
                nullableUnlessRequired(schema);
            }
        });
        examples(components);
        openAPI.getPaths().getPathItems().forEach(this::describe);
        openAPI.setComponents(openAPI.getComponents().schemas(new TreeMap<>(components)));
    }

    private void describe(String path, PathItem item) {
        item.getOperations().forEach((method, operation) -> {
            if (method == PathItem.HttpMethod.GET) {
                conditional(operation);
            }
            parameters(path, operation);
            if (operation.getRequestBody() != null) {
                walk(operation.getRequestBody().getContent());
            }
            APIResponses responses = operation.getResponses();
            responses.getAPIResponses().values().forEach(r -> walk(r.getContent()));
            boolean input = operation.getRequestBody() != null
                    || (operation.getParameters() != null && !operation.getParameters().isEmpty());
            if (input) {
                addIfAbsent(responses, "400", "Malformed input: a bad parameter, JSON, type or field");
            }
            if (operation.getSecurity() != null && !operation.getSecurity().isEmpty()) {
                roles(operation);
                addIfAbsent(responses, "401", "No credentials, or ones that are unknown, expired or revoked");
                addIfAbsent(responses, "403", "The credentials do not allow this");
                addIfAbsent(responses, "429", "Too many requests; Retry-After says when to try again");
            }
            responses.getAPIResponses().forEach((code, response) -> {
                boolean described = response.getContent() != null && response.getContent().getMediaTypes() != null
                        && !response.getContent().getMediaTypes().isEmpty();
                if ((code.startsWith("4") || code.startsWith("5")) && !described) {
                    response.setContent(problemContent());
                }
            });
        });
    }

    private static void parameters(String path, Operation operation) {
        if (operation.getParameters() == null) {
            return;
        }
        for (Parameter p : operation.getParameters()) {
            if (p.getIn() == Parameter.In.HEADER) {
                if (p.getName().equals(IDEMPOTENCY_KEY)) {
                    idempotent(operation, p);
                }
                continue;
            }
            Schema schema = p.getSchema() == null ? OASFactory.createSchema() : p.getSchema();
            String name = p.getName();
            if (ID_PARAMETERS.contains(name)) {
                schema.type(List.of(SchemaType.STRING)).format("uuid");
            } else if (name.equals("limit")) {
                schema.type(List.of(SchemaType.INTEGER)).format("int32").minimum(BigDecimal.ONE)
                        .maximum(BigDecimal.valueOf(PageRequest.MAX_LIMIT))
                        .defaultValue(PageRequest.DEFAULT_LIMIT);
            } else if (name.equals("offset")) {
                schema.type(List.of(SchemaType.INTEGER)).format("int32").minimum(BigDecimal.ZERO)
                        .maximum(BigDecimal.valueOf(PageRequest.MAX_OFFSET)).defaultValue(0);
            } else if (name.equals("status") && STATUS_FILTERS.containsKey(path)) {
                schema.type(List.of(SchemaType.STRING)).enumeration(new ArrayList<>(STATUS_FILTERS.get(path)));
            } else if (name.equals("version") || name.equals("count")) {
                schema.type(List.of(SchemaType.INTEGER)).format("int32").minimum(BigDecimal.ONE);
            } else if (name.equals("wait")) {
                schema.type(List.of(SchemaType.INTEGER)).format("int32").minimum(BigDecimal.ZERO)
                        .maximum(BigDecimal.valueOf(Params.MAX_WAIT_SECONDS)).defaultValue(0);
                if (p.getDescription() == null) {
                    p.setDescription("Seconds to wait for the end before answering with the state then");
                }
            } else if (name.equals("auto_start")) {
                schema.type(List.of(SchemaType.BOOLEAN));
            } else if (name.equals("outcome")) {
                schema.type(List.of(SchemaType.STRING))
                        .enumeration(new ArrayList<>(wire(DeliveryOutcome.values(), DeliveryOutcome::wire)));
            } else if (name.equals("trigger")) {
                schema.type(List.of(SchemaType.STRING)).pattern("^" + Trigger.NAME.pattern() + "$");
            }
            p.setSchema(schema);
        }
    }

    /**
     * A read whose answer carries an {@code ETag} and answers {@code If-None-Match} with 304 (see
     * {@link ConditionalReads}).
     */
    private static void conditional(Operation operation) {
        APIResponse ok = operation.getResponses().getAPIResponse("200");
        if (ok == null) {
            return;
        }
        List<Parameter> parameters = operation.getParameters() == null
                ? new ArrayList<>()
                : new ArrayList<>(operation.getParameters());
        parameters.add(OASFactory.createParameter().name(ConditionalReads.IF_NONE_MATCH).in(Parameter.In.HEADER)
                .description("The ETag of an earlier answer: 304 with no body while it is still the current one")
                .schema(OASFactory.createSchema().type(List.of(SchemaType.STRING))));
        operation.setParameters(parameters);
        ok.addHeader("ETag", OASFactory.createHeader().description("A strong tag of this answer's bytes")
                .schema(OASFactory.createSchema().type(List.of(SchemaType.STRING))));
        operation.getResponses().addAPIResponse("304", OASFactory.createAPIResponse()
                .description("Not modified: If-None-Match names the current tag")
                .addHeader("ETag", OASFactory.createHeader().description("The current tag")
                        .schema(OASFactory.createSchema().type(List.of(SchemaType.STRING)))));
    }

    /**
     * An operation that reads an {@code Idempotency-Key}: the header's bounds, and the answers to a repeat (the
     * original resource) and to a key used with another body.
     */
    private static void idempotent(Operation operation, Parameter header) {
        header.setSchema(OASFactory.createSchema().type(List.of(SchemaType.STRING)).minLength(1)
                .maxLength(IdempotencyKey.MAX_LENGTH));
        if (header.getDescription() == null) {
            header.setDescription("Makes the request safe to repeat: the same key and body return the original");
        }
        APIResponses responses = operation.getResponses();
        APIResponse created = responses.getAPIResponse("201");
        if (!responses.hasAPIResponse("200") && created != null) {
            responses.addAPIResponse("200", OASFactory.createAPIResponse()
                    .description("A repeat of an earlier request with the same Idempotency-Key: the original")
                    .content(created.getContent()));
        }
        addIfAbsent(responses, "422", "The Idempotency-Key was used with another body");
    }

    /** The roles move from the security requirement (where a bearer scheme may name none) to the words. */
    private static void roles(Operation operation) {
        Set<String> roles = new java.util.TreeSet<>();
        List<SecurityRequirement> plain = new ArrayList<>();
        for (SecurityRequirement requirement : operation.getSecurity()) {
            SecurityRequirement bare = OASFactory.createSecurityRequirement();
            requirement.getSchemes().forEach((scheme, scopes) -> {
                roles.addAll(scopes == null ? List.of() : scopes);
                bare.addScheme(scheme, List.of());
            });
            plain.add(bare);
        }
        operation.setSecurity(plain);
        if (!roles.isEmpty()) {
            operation.addExtension("x-roles", new ArrayList<>(roles));
            String line = "Roles: " + String.join(", ", roles) + ".";
            String description = operation.getDescription();
            operation.setDescription(description == null ? line : description + "\n\n" + line);
        }
    }

    private static void addIfAbsent(APIResponses responses, String code, String description) {
        if (!responses.hasAPIResponse(code)) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
        }
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(PROBLEM_REF)));
    }

    private static void walk(Content content) {
        if (content == null || content.getMediaTypes() == null) {
            return;
        }
        for (MediaType media : content.getMediaTypes().values()) {
            if (media.getSchema() != null) {
                media.setSchema(inlineScalars(media.getSchema()));
            }
        }
    }

    /** Replaces references to the UUID and instant components with inline strings of that format. */
    private static Schema inlineScalars(Schema schema) {
        if (schema == null) {
            return null;
        }
        String ref = schema.getRef();
        if (ref != null) {
            String component = ref.substring(ref.lastIndexOf('/') + 1);
            if (FORMATS_BY_COMPONENT.containsKey(component)) {
                Schema inline = OASFactory.createSchema().type(List.of(FORMATS_BY_COMPONENT.get(component)))
                        .format(FORMAT_NAMES.get(component));
                if (schema.getDescription() != null) {
                    inline.description(schema.getDescription());
                }
                return inline;
            }
            schema.setType(null);
            return schema;
        }
        if (schema.getFormat() != null && FORMAT_NAMES.containsValue(schema.getFormat())) {
            // The framework's placeholders for these types (a 2022 instant, a UUID pattern) say nothing here.
            schema.setExamples(null);
            schema.setPattern(null);
        }
        if (schema.getProperties() != null) {
            Map<String, Schema> properties = new LinkedHashMap<>();
            schema.getProperties().forEach((k, v) -> properties.put(k, inlineScalars(v)));
            schema.setProperties(properties);
        }
        if (schema.getItems() != null) {
            schema.setItems(inlineScalars(schema.getItems()));
        }
        if (schema.getAdditionalPropertiesSchema() != null) {
            schema.setAdditionalPropertiesSchema(inlineScalars(schema.getAdditionalPropertiesSchema()));
        }
        if (schema.getAllOf() != null) {
            schema.setAllOf(schema.getAllOf().stream().map(ContractFilter::inlineScalars).toList());
        }
        if (schema.getAnyOf() != null) {
            schema.setAnyOf(schema.getAnyOf().stream().map(ContractFilter::inlineScalars).toList());
        }
        if (schema.getOneOf() != null) {
            schema.setOneOf(schema.getOneOf().stream().map(ContractFilter::inlineScalars).toList());
        }
        return schema;
    }

    /** In an answer, every property is written; one the schema does not require may be null. */
    private static void nullableUnlessRequired(Schema schema) {
        if (schema.getProperties() == null) {
            return;
        }
        Collection<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        Map<String, Schema> properties = new LinkedHashMap<>();
        schema.getProperties().forEach((name, property) -> {
            if (required.contains(name)) {
                properties.put(name, property);
            } else if (property.getRef() != null) {
                Schema wrapped = OASFactory.createSchema().anyOf(List.of(property,
                        OASFactory.createSchema().type(List.of(SchemaType.NULL))));
                if (property.getDescription() != null) {
                    wrapped.description(property.getDescription());
                }
                properties.put(name, wrapped);
            } else {
                if (property.getType() != null && !property.getType().contains(SchemaType.NULL)) {
                    List<SchemaType> types = new ArrayList<>(property.getType());
                    types.add(SchemaType.NULL);
                    property.setType(types);
                }
                if (property.getEnumeration() != null && !property.getEnumeration().contains(null)) {
                    List<Object> values = new ArrayList<>(property.getEnumeration());
                    values.add(null);
                    property.setEnumeration(values);
                }
                properties.put(name, property);
            }
        });
        schema.setProperties(properties);
    }

    /**
     * Every component gets the example of {@code openapi/examples.json}; a component without one, or an example
     * without a component, fails the build. The linter checks each example against its schema.
     */
    private static void examples(Map<String, Schema> components) {
        Map<String, Object> examples;
        try (InputStream in = ContractFilter.class.getResourceAsStream(EXAMPLES)) {
            if (in == null) {
                throw new IllegalStateException("No " + EXAMPLES + " on the class path");
            }
            examples = new ObjectMapper().readValue(in, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + EXAMPLES, e);
        }
        Set<String> missing = new java.util.TreeSet<>(components.keySet());
        missing.removeAll(examples.keySet());
        Set<String> unknown = new java.util.TreeSet<>(examples.keySet());
        unknown.removeAll(components.keySet());
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new IllegalStateException(EXAMPLES + " must hold one example per component; missing: " + missing
                    + ", not a component: " + unknown);
        }
        components.forEach((name, schema) -> schema.setExample(examples.get(name)));
    }

    private static <E> List<String> wire(E[] values, Function<E, String> wire) {
        return Arrays.stream(values).map(wire).toList();
    }
}
