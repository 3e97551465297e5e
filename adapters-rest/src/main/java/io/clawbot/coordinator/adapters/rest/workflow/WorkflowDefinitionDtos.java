package io.clawbot.coordinator.adapters.rest.workflow;

import io.clawbot.coordinator.application.workflow.WorkflowDefinitions;
import io.clawbot.coordinator.domain.workflow.DefinitionSummary;
import io.clawbot.coordinator.domain.workflow.DefinitionVersion;
import io.clawbot.coordinator.domain.workflow.WorkflowDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the workflow definition API (snake_case). */
public final class WorkflowDefinitionDtos {

    private WorkflowDefinitionDtos() {
    }

    // The formatter mishandles records with annotated components.
    // @formatter:off
    @Schema(name = "CreateWorkflowDefinitionRequest")
    public record CreateDefinitionRequest(
            @Schema(description = "The name it is registered and addressed under: unique, letters, digits, '.', '_', ':' or '-'; defaults to the definition's own name", example = "data-pipeline", pattern = DefinitionVersion.NAME_PATTERN) String name,
            @Schema(required = true, description = "The workflow document: {name, description, steps: [{id, type, params, depends_on, on_success, on_failure, always_run, priority, timeout_seconds, retry}]}, or seed 001's {workflow: {name, jobs: [{..., parameters}]}}; without a name it takes the registration name") Map<String, Object> definition) {
        // @formatter:on
    }

    // @formatter:off
    @Schema(name = "NewWorkflowDefinitionVersionRequest")
    public record NewVersionRequest(
            @Schema(required = true, description = "The workflow document, as in CreateWorkflowDefinitionRequest") Map<String, Object> definition) {
        // @formatter:on
    }

    // @formatter:off
    @Schema(name = "StartWorkflowRunRequest")
    public record StartRunRequest(
            @Schema(description = "The version to run; the latest when left out", example = "2", minimum = "1") Integer version,
            @Schema(description = "What the steps' params may refer to as ${input.…}") Map<String, Object> input,
            @Schema(description = "Kept with the workflow") Map<String, Object> metadata,
            @Schema(description = "Release the first steps at once; false waits for POST /api/v1/workflows/{id}/start", defaultValue = "true") Boolean autoStart) {
        // @formatter:on
    }

    // @formatter:off
    @Schema(name = "WorkflowDefinitionVersion", requiredProperties = { "name", "version", "workflow_name", "definition", "created_at" })
    public record VersionResponse(
            @Schema(description = "The registration name") String name,
            int version,
            @Schema(description = "The definition's own name, which its runs are called") String workflowName,
            String description,
            @Schema(description = "The document in its canonical form: name, description, steps with params and lists of step ids") Map<String, Object> definition,
            @Schema(description = "When this version was stored") Instant createdAt) {
        // @formatter:on

        public static VersionResponse of(DefinitionVersion v) {
            return new VersionResponse(v.name(), v.version(), v.definition().name(), v.definition().description(),
                    WorkflowDocument.of(v.definition()), v.createdAt());
        }
    }

    @Schema(name = "WorkflowDefinitionVersionHeader", requiredProperties = { "version", "created_at" })
    public record VersionHeaderResponse(int version, Instant createdAt) {

        public static VersionHeaderResponse of(DefinitionVersion.Header h) {
            return new VersionHeaderResponse(h.version(), h.createdAt());
        }
    }

    // @formatter:off
    @Schema(name = "StoredWorkflowDefinition", requiredProperties = { "name", "version", "workflow_name", "definition", "created_at", "versions" })
    public record DefinitionResponse(
            @Schema(description = "The registration name") String name,
            @Schema(description = "The latest version, shown here") int version,
            @Schema(description = "The definition's own name, which its runs are called") String workflowName,
            String description,
            @Schema(description = "The latest version's document in its canonical form") Map<String, Object> definition,
            @Schema(description = "When the latest version was stored") Instant createdAt,
            @Schema(description = "Every version, oldest first") List<VersionHeaderResponse> versions) {
        // @formatter:on

        public static DefinitionResponse of(WorkflowDefinitions.WithVersions d) {
            DefinitionVersion v = d.latest();
            return new DefinitionResponse(v.name(), v.version(), v.definition().name(), v.definition().description(),
                    WorkflowDocument.of(v.definition()), v.createdAt(),
                    d.versions().stream().map(VersionHeaderResponse::of).toList());
        }
    }

    // @formatter:off
    @Schema(name = "WorkflowDefinitionSummary", requiredProperties = { "name", "latest_version", "workflow_name", "created_at", "updated_at" })
    public record SummaryResponse(
            @Schema(description = "The registration name") String name,
            int latestVersion,
            @Schema(description = "The latest version's own name") String workflowName,
            @Schema(description = "The latest version's description") String description,
            @Schema(description = "When version 1 was stored") Instant createdAt,
            @Schema(description = "When the latest version was stored") Instant updatedAt) {
        // @formatter:on

        public static SummaryResponse of(DefinitionSummary s) {
            return new SummaryResponse(s.name(), s.latestVersion(), s.workflowName(), s.description(), s.createdAt(),
                    s.updatedAt());
        }
    }
}
