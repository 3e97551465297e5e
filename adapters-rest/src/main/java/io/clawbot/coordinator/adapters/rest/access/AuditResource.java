package io.clawbot.coordinator.adapters.rest.access;

import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.application.access.AuditTrail;
import io.clawbot.coordinator.domain.access.AuditEntry;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit trail, for admins. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit", description = "What admins and operators changed, by whom, from where")
@RolesAllowed(Roles.ADMIN)
public class AuditResource {

    @Schema(name = "AuditEntry", description = "One administrative action", requiredProperties = { "id", "at", "actor",
            "action" })
    public record AuditEntryResponse(long id, Instant at, String actor, String action, String target,
            String source) {

        static AuditEntryResponse of(AuditEntry e) {
            return new AuditEntryResponse(e.id(), e.at(), e.actor(), e.action(), e.target(), e.source());
        }
    }

    private final AuditTrail trail;

    public AuditResource(AuditTrail trail) {
        this.trail = trail;
    }

    @GET
    @Operation(operationId = "listAuditEntries", summary = "List administrative actions, newest first: who (key:<name>), what (e.g. task.cancel), on what, when and from which address", description = "Recorded once they succeed: changes made with an API key to keys, to bots' registration and tokens, to tasks (assign, start, complete, fail, cancel, redrive, delete) and workflows (cancel, delete), and to workflow definitions and schedules; creating or starting work, and anything done with a bot's token, is not recorded. actor and action match exactly (key:ci, task.cancel); pages take limit (1-500, default 50) and offset.")
    @APIResponse(responseCode = "200", description = "A page of entries")
    @APIResponse(responseCode = "400", description = "Invalid page")
    public Uni<List<AuditEntryResponse>> list(@QueryParam("actor") String actor, @QueryParam("action") String action,
            @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return trail.list(actor, action, Params.page(limit, offset))
                .map(entries -> entries.stream().map(AuditEntryResponse::of).toList());
    }
}
