package io.clawbot.coordinator.bootstrap.health;

import jakarta.annotation.security.PermitAll;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Seed 000's health endpoints. {@code /health} reports the same checks as the readiness probe
 * ({@code /q/health/ready}): the database, and Redis, which can only make the service {@code degraded} (200).
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Health", description = "Service status")
public class ServiceResource {

    // @formatter:off
    @Schema(name = "RootResponse", requiredProperties = { "service", "version", "status", "docs" })
    public record RootResponse(
            @Schema(description = "The product's name") String service,
            @Schema(description = "The running build's version") String version,
            @Schema(description = "Always ok: the process answers") String status,
            @Schema(description = "Where the API document is described") String docs) {
    }

    @Schema(name = "HealthResponse", requiredProperties = { "status", "version", "checks" })
    public record HealthResponse(
            @Schema(description = "healthy; degraded while Redis is down; unhealthy while the database is down", enumeration = { "healthy", "degraded", "unhealthy" }) String status,
            @Schema(description = "The running build's version") String version,
            @Schema(description = "Each readiness check's name and state (up or down)") Map<String, String> checks) {
    }
    // @formatter:on

    private final SmallRyeHealthReporter health;
    private final String version;

    public ServiceResource(SmallRyeHealthReporter health,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.health = health;
        this.version = version;
    }

    @GET
    @PermitAll
    @Operation(operationId = "root", summary = "Service name, version and where the API docs are", description = "Answers without credentials: a quick check that a coordinator is listening here, and which version it runs.")
    @APIResponse(responseCode = "200", description = "The service is running", content = @Content(schema = @Schema(implementation = RootResponse.class)))
    public RootResponse root() {
        return new RootResponse("ClawBot Coordinator", version, "ok", "/q/swagger-ui");
    }

    @GET
    @Path("/health")
    @PermitAll
    @Operation(operationId = "health", summary = "Detailed health: the database and Redis checks", description = "The readiness checks in one document, without credentials. Redis being down only degrades the service (200); the database being down makes it unhealthy (503).")
    @APIResponse(responseCode = "200", description = "Healthy, or degraded: Redis is down and replicas dispatch on their tick", content = @Content(schema = @Schema(implementation = HealthResponse.class)))
    @APIResponse(responseCode = "503", description = "The database is down", content = @Content(schema = @Schema(implementation = HealthResponse.class)))
    public Uni<Response> health() {
        return health.getReadinessAsync().map(report -> {
            Map<String, String> checks = new LinkedHashMap<>();
            JsonObject payload = report.getPayload();
            boolean degraded = false;
            for (JsonValue check : payload.getJsonArray("checks")) {
                JsonObject c = check.asJsonObject();
                JsonObject data = c.containsKey("data") ? c.getJsonObject("data") : null;
                boolean checkDegraded = data != null && data.containsKey("degraded") && data.getBoolean("degraded");
                degraded |= checkDegraded;
                checks.put(c.getString("name"), checkDegraded
                        ? "degraded"
                        : c.getString("status").toLowerCase(java.util.Locale.ROOT));
            }
            boolean up = !report.isDown();
            String status = !up ? "unhealthy" : degraded ? "degraded" : "healthy";
            return Response.status(up ? 200 : 503).entity(new HealthResponse(status, version, checks)).build();
        });
    }
}
