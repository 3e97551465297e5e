package io.clawbot.coordinator.adapters.rest.workflow;

import jakarta.annotation.security.RolesAllowed;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.adapters.rest.access.Audit;
import io.clawbot.coordinator.adapters.rest.access.Caller;
import io.clawbot.coordinator.adapters.rest.common.Created;
import io.clawbot.coordinator.adapters.rest.common.Fingerprint;
import io.clawbot.coordinator.adapters.rest.common.OptionalJsonBody;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.adapters.rest.common.YamlDocuments;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDefinitionDtos.CreateDefinitionRequest;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDefinitionDtos.DefinitionResponse;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDefinitionDtos.NewVersionRequest;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDefinitionDtos.StartRunRequest;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDefinitionDtos.SummaryResponse;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDefinitionDtos.VersionResponse;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.WorkflowResponse;
import io.clawbot.coordinator.application.workflow.WorkflowDefinitions;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.workflow.DefinitionVersion;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Named, versioned workflow definitions and the runs started from them. A definition is sent as JSON
 * ({@code {"name", "definition"}}) or as the YAML document itself, with the name in the query.
 */
@Path("/api/v1/workflow-definitions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Workflow definitions", description = "Named, versioned workflow graphs (blueprints) to start runs from")
public class WorkflowDefinitionResource {

    private static final String BASE = "/api/v1/workflow-definitions/";
    private static final String YAML = "application/yaml";
    private static final String YAML_BODY = "The workflow document itself, as in seed 001: workflow: {name, jobs: [{id, type, parameters, depends_on, on_success, on_failure, always_run}]}, or name, description and steps at the top level";

    private final WorkflowDefinitions definitions;
    private final Fingerprint fingerprint;
    private final OptionalJsonBody optionalBody;
    private final ObjectMapper mapper;

    private final Caller caller;
    private final Audit audit;

    public WorkflowDefinitionResource(WorkflowDefinitions definitions, Fingerprint fingerprint,
            OptionalJsonBody optionalBody, ObjectMapper mapper, Caller caller, Audit audit) {
        this.caller = caller;
        this.audit = audit;
        this.definitions = definitions;
        this.fingerprint = fingerprint;
        this.optionalBody = optionalBody;
        this.mapper = mapper;
    }

    @POST
    @Consumes({ MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml", "text/x-yaml",
            MediaType.TEXT_PLAIN })
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "createWorkflowDefinition", summary = "Register a workflow definition under a new name as version 1", description = "Send JSON {name, definition}, or the YAML document itself with ?name= (the document's own name when left out; refused with a JSON body); the document is checked as for createWorkflow. A document without a name takes the registration name; runs are called by the document's name.")
    @Parameter(name = "name", in = ParameterIn.QUERY, description = "With a YAML body: the name to register it under; defaults to the document's name")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreateDefinitionRequest.class)),
            @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING, description = YAML_BODY)) })
    @APIResponse(responseCode = "201", description = "Registered", content = @Content(schema = @Schema(implementation = VersionResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON or YAML, a bad name, or an invalid definition: the field names the path of the error, such as definition.steps[2].on_success (JSON) or jobs[2].on_success (YAML)")
    @APIResponse(responseCode = "409", description = "A definition with this name exists (workflow-definition-exists); add a version instead")
    @APIResponse(responseCode = "413", description = "The body is too large")
    @APIResponse(responseCode = "415", description = "The body is neither JSON nor YAML")
    public Uni<Response> create(String body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @QueryParam("name") String name) {
        Uni<DefinitionVersion> created;
        if (isJson(contentType)) {
            if (name != null) {
                throw new ValidationException("name", "goes in the JSON body, not in the query");
            }
            CreateDefinitionRequest request = json(body, CreateDefinitionRequest.class);
            created = definitions.create(request.name(), request.definition(), "definition");
        } else {
            created = definitions.create(name, YamlDocuments.parse(body), "");
        }
        return audit.after(created, "definition.create", DefinitionVersion::name)
                .map(v -> Created.at(BASE + v.name()).entity(VersionResponse.of(v)).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "listWorkflowDefinitions", summary = "List workflow definitions by name, each with its latest version", description = "Sorted by registration name; each entry gives the latest version, the document's name and description, when the first version was stored (created_at) and when the latest was (updated_at). Pages take limit (1-500, default 50) and offset.")
    @APIResponse(responseCode = "200", description = "A page of definitions")
    @APIResponse(responseCode = "400", description = "Invalid page")
    public Uni<List<SummaryResponse>> list(@QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return definitions.list(Params.page(limit, offset))
                .map(list -> list.stream().map(SummaryResponse::of).toList());
    }

    @GET
    @Path("/{name}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "getWorkflowDefinition", summary = "Get a workflow definition's latest version and the list of its versions", description = "Answers the latest version's document in its canonical form, with versions listing every version number and when it was stored, oldest first.")
    @APIResponse(responseCode = "200", description = "The latest version", content = @Content(schema = @Schema(implementation = DefinitionResponse.class)))
    @APIResponse(responseCode = "404", description = "No definition has this name")
    public Uni<DefinitionResponse> get(@PathParam("name") String name) {
        return definitions.getWithVersions(name).map(DefinitionResponse::of);
    }

    @GET
    @Path("/{name}/versions/{version}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "getWorkflowDefinitionVersion", summary = "Get one version of a workflow definition", description = "Answers the document in its canonical form. A stored version never changes, so the answer for a name and version stays the same.")
    @APIResponse(responseCode = "200", description = "The version", content = @Content(schema = @Schema(implementation = VersionResponse.class)))
    @APIResponse(responseCode = "400", description = "The version is not a whole number of 1 or more")
    @APIResponse(responseCode = "404", description = "No definition has this name, or it has no such version")
    public Uni<VersionResponse> getVersion(@PathParam("name") String name, @PathParam("version") String version) {
        return definitions.get(name, Params.optionalInt("version", version)).map(VersionResponse::of);
    }

    @POST
    @Path("/{name}/versions")
    @Consumes({ MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml", "text/x-yaml",
            MediaType.TEXT_PLAIN })
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "addWorkflowDefinitionVersion", summary = "Store a new version of a workflow definition, numbered one above the latest; runs already started keep theirs", description = "Takes JSON {definition} or the YAML document itself, checked as for createWorkflow; a document without a name takes the registration name. Versions added at the same moment get consecutive numbers, and earlier versions stay as they were.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = NewVersionRequest.class)),
            @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING, description = YAML_BODY)) })
    @APIResponse(responseCode = "201", description = "Stored", content = @Content(schema = @Schema(implementation = VersionResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON or YAML, or an invalid definition (the field names the path of the error)")
    @APIResponse(responseCode = "404", description = "No definition has this name")
    @APIResponse(responseCode = "409", description = "Too many versions were added at the same moment (concurrent-modification); retry")
    @APIResponse(responseCode = "413", description = "The body is too large")
    @APIResponse(responseCode = "415", description = "The body is neither JSON nor YAML")
    public Uni<Response> addVersion(@PathParam("name") String name, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        Uni<DefinitionVersion> added = isJson(contentType)
                ? definitions.addVersion(name, json(body, NewVersionRequest.class).definition(), "definition")
                : definitions.addVersion(name, YamlDocuments.parse(body), "");
        return audit.after(added, "definition.version", v -> v.name() + "/" + v.version())
                .map(v -> Created.at(BASE + v.name() + "/versions/" + v.version())
                        .entity(VersionResponse.of(v)).build());
    }

    @POST
    @Path("/{name}/runs")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StartRunRequest.class)))
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.SUBMITTER })
    @Operation(operationId = "startWorkflowDefinitionRun", summary = "Create a workflow that runs a version of the definition (the latest by default) with an input", description = "The body is optional: version (the latest when left out), input, metadata and auto_start (default true); the workflow then runs as one made by createWorkflow. With an Idempotency-Key, the same key, name and body answer 200 with the original workflow, even after a newer version was stored, and another body answers 422. A key limited to certain task types gets 403 for a step of any other type.")
    @Parameter(name = Fingerprint.HEADER, in = ParameterIn.HEADER, description = "Makes the request safe to repeat: the same key, name and body return the original workflow")
    @APIResponse(responseCode = "201", description = "Created: the workflow, as POST /api/v1/workflows answers", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "200", description = "A repeat of an earlier request with the same Idempotency-Key: the original workflow", content = @Content(schema = @Schema(implementation = WorkflowResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON or an invalid field")
    @APIResponse(responseCode = "404", description = "No definition has this name, or it has no such version")
    @APIResponse(responseCode = "415", description = "The body is not JSON")
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another request")
    public Uni<Response> startRun(@PathParam("name") String name, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(Fingerprint.HEADER) String idempotencyKey) {
        StartRunRequest request = optionalBody.read(body, contentType, StartRunRequest.class);
        StartRunRequest run = request == null ? new StartRunRequest(null, null, null, null) : request;
        // The name is part of what the key stands for: the same body sent to two definitions is two requests.
        Map<String, Object> fingerprinted = new LinkedHashMap<>();
        fingerprinted.put("definition", name);
        fingerprinted.put("run", run);
        return definitions.startRun(name, run.version(), run.input(), run.metadata(),
                run.autoStart() == null || run.autoStart(),
                fingerprint.key(idempotencyKey, fingerprinted, caller.client()), caller.client())
                .map(created -> Created.response(created, w -> WorkflowResponse.of(w.workflow()),
                        w -> "/api/v1/workflows/" + w.workflow().id()));
    }

    private <T> T json(String body, Class<T> type) {
        T parsed;
        try {
            parsed = body == null || body.isBlank() ? null : mapper.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new WebApplicationException(e, 400);
        }
        if (parsed == null) {
            throw new ValidationException("body", "a JSON object is required");
        }
        return parsed;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String base = contentType.toLowerCase(Locale.ROOT).split(";")[0].strip();
        return base.equals(MediaType.APPLICATION_JSON) || base.endsWith("+json");
    }
}
