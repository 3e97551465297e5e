package io.clawbot.coordinator.application.workflow;

import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.workflow.DefinitionSummary;
import io.clawbot.coordinator.domain.workflow.DefinitionVersion;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowDocument;
import io.clawbot.coordinator.domain.workflow.port.WorkflowDefinitionStore;
import io.smallrye.mutiny.Uni;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named, versioned workflow definitions (blueprints) and the runs started from them.
 *
 * <p>
 * A definition is registered under a name (its URL); the document's own {@code name} is what its runs are called.
 * Either may stand in for the other: a document without a name takes the registration name, and a registration
 * without a name takes the document's, when that is a valid registration name.
 */
public final class WorkflowDefinitions {

    private final WorkflowDefinitionStore store;
    private final WorkflowLifecycle workflows;
    private final InstantSource clock;
    private final Conditions conditions;

    public WorkflowDefinitions(WorkflowDefinitionStore store, WorkflowLifecycle workflows, InstantSource clock) {
        this(store, workflows, clock, Conditions.NONE);
    }

    /** @param conditions the language the steps' {@code when} conditions are checked in when stored */
    public WorkflowDefinitions(WorkflowDefinitionStore store, WorkflowLifecycle workflows, InstantSource clock,
            Conditions conditions) {
        this.conditions = conditions;
        this.store = store;
        this.workflows = workflows;
        this.clock = clock;
    }

    /** A definition and every version of it. */
    public record WithVersions(DefinitionVersion latest, List<DefinitionVersion.Header> versions) {

        public WithVersions {
            versions = List.copyOf(versions);
        }
    }

    /**
     * Registers version 1 of a new definition.
     *
     * @param name the registration name; {@code null} takes the document's name
     * @param document the parsed YAML or JSON document ({@link WorkflowDefinition#parse})
     * @param documentField where the document sits in the request ({@code definition} in a JSON body, empty when
     *        it is the whole body): the fields of its errors are given under it, such as
     *        {@code definition.steps[2].on_success}
     */
    public Uni<DefinitionVersion> create(String name, Object document, String documentField) {
        return Uni.createFrom().deferred(() -> {
            if (name == null && document != null && documentName(document) == null) {
                throw new ValidationException("name", "is required when the definition has no name");
            }
            String registered = name == null ? null : DefinitionVersion.checkName("name", name);
            WorkflowDefinition definition = parse(document, registered, documentField);
            checkConditions(definition, documentField);
            if (registered == null) {
                try {
                    registered = DefinitionVersion.checkName("name", definition.name());
                } catch (ValidationException e) {
                    throw new ValidationException("name", "is required here: the definition's name '"
                            + definition.name() + "' cannot serve as the registration name, which " + e.detail());
                }
            }
            return store.create(registered, definition, clock.instant());
        });
    }

    /**
     * Stores the next version of a registered definition. Concurrent new versions get consecutive numbers.
     *
     * @param documentField as in {@link #create}
     */
    public Uni<DefinitionVersion> addVersion(String name, Object document, String documentField) {
        return Uni.createFrom().deferred(() -> {
            WorkflowDefinition definition = parse(document, name, documentField);
            checkConditions(definition, documentField);
            return ConcurrentRetry.run(() -> store.addVersion(name, definition, clock.instant()))
                    .onItem().ifNull().failWith(() -> unknown(name));
        });
    }

    /** The given version, or the latest when {@code version} is {@code null}. */
    public Uni<DefinitionVersion> get(String name, Integer version) {
        return Uni.createFrom().deferred(() -> {
            checkVersion(version);
            return store.find(name, version)
                    .onItem().ifNull().failWith(() -> version == null ? unknown(name) : unknownVersion(name, version));
        });
    }

    /** The latest version with the list of all versions. */
    public Uni<WithVersions> getWithVersions(String name) {
        return store.versions(name).flatMap(versions -> versions.isEmpty()
                ? Uni.createFrom().failure(unknown(name))
                : get(name, versions.getLast().version()).map(latest -> new WithVersions(latest, versions)));
    }

    /** Every registered name with its latest version, by name. */
    public Uni<List<DefinitionSummary>> list(PageRequest page) {
        return store.list(page);
    }

    /**
     * Creates a workflow that runs a stored definition.
     *
     * @param version {@code null} for the latest
     * @param input what the steps' params may refer to as {@code ${input.…}}
     * @param autoStart release the first steps at once; otherwise they wait for an explicit start
     * @param idempotencyKey optional; a repeat answers the workflow the first request created, whatever the latest
     *        version is by then
     * @param creator the client starting it; {@code null} when the service does
     * @return what {@link WorkflowLifecycle#create} answers
     */
    public Uni<Created<WorkflowWithTasks>> startRun(String name, Integer version, Map<String, Object> input,
            Map<String, Object> metadata, boolean autoStart, IdempotencyKey idempotencyKey,
            Principal.Client creator) {
        return get(name, version).flatMap(stored -> workflows.create(new CreateWorkflowCommand(stored.definition(),
                input, metadata, autoStart, idempotencyKey, creator)));
    }

    private void checkConditions(WorkflowDefinition definition, String documentField) {
        if (definition.steps().stream().anyMatch(s -> s.when() != null)) {
            WorkflowLifecycle.checkConditions(conditions, definition,
                    documentField.isEmpty() ? "steps" : documentField + ".steps");
        }
    }

    private static void checkVersion(Integer version) {
        if (version != null && version < 1) {
            throw new ValidationException("version", "must be 1 or more");
        }
    }

    /** The document parsed, with {@code defaultName} as its name when it has none. */
    private static WorkflowDefinition parse(Object document, String defaultName, String documentField) {
        if (document == null) {
            throw new ValidationException(documentField.isEmpty() ? "body" : documentField, "is required");
        }
        try {
            return WorkflowDocument.parse(defaultName == null ? document : withName(document, defaultName));
        } catch (ValidationException e) {
            if (documentField.isEmpty()) {
                throw e;
            }
            throw e.under(documentField);
        }
    }

    /** The mapping that holds the definition's fields: the document, or its {@code workflow:} (seed 001). */
    private static Map<?, ?> root(Object document) {
        if (!(document instanceof Map<?, ?> map)) {
            return null;
        }
        if (map.size() == 1 && map.get("workflow") instanceof Map<?, ?> inner) {
            return inner;
        }
        return map;
    }

    private static Object documentName(Object document) {
        Map<?, ?> root = root(document);
        return root == null ? null : root.get("name");
    }

    @SuppressWarnings("unchecked")
    private static Object withName(Object document, String name) {
        Map<?, ?> root = root(document);
        if (root == null || root.containsKey("name")) {
            return document;
        }
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("name", name);
        named.putAll((Map<String, Object>) root);
        return root == document ? named : Map.of("workflow", named);
    }

    private static NotFoundException unknown(String name) {
        return NotFoundException.described("workflow-definition",
                "Workflow definition '" + name + "' does not exist");
    }

    private static NotFoundException unknownVersion(String name, int version) {
        return NotFoundException.described("workflow-definition",
                "Workflow definition '" + name + "' has no version " + version);
    }
}
