package io.clawbot.coordinator.adapters.rest.ws;

import jakarta.annotation.security.RolesAllowed;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.application.task.AssignTask;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.id.TaskId;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The HTTP side of the bot channel: who is connected to this replica, and re-sending a task to its bot. */
@Path("/api/v1/ws")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "WebSocket", description = "Bot connections of this replica")
public class ConnectionResource {

    @Schema(name = "Connection", requiredProperties = { "bot_id", "connected_at" })
    public record ConnectionResponse(UUID botId, Instant connectedAt) {
    }

    @Schema(name = "Broadcast", requiredProperties = { "task_id", "bot_id", "attempt", "sent" })
    public record BroadcastResponse(UUID taskId, UUID botId, int attempt, boolean sent) {
    }

    private final BotChannel channel;
    private final AssignTask assignments;

    public ConnectionResource(BotChannel channel, AssignTask assignments) {
        this.channel = channel;
        this.assignments = assignments;
    }

    @GET
    @Path("/connections")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "listConnections", summary = "List the bots connected to this replica over the WebSocket", description = "Only this replica's sessions, oldest connection first, not paged; bots connected to other replicas are not listed, and a replica that is shutting down lists none.")
    @APIResponse(responseCode = "200", description = "The live connections")
    public List<ConnectionResponse> connections() {
        return channel.connections().stream()
                .map(c -> new ConnectionResponse(c.botId().value(), c.connectedAt()))
                .toList();
    }

    @POST
    @Path("/broadcast/task/{task_id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "broadcastTask", summary = "Send an assigned task to its bot over the WebSocket again, through the replica holding its connection", description = "Sends task_assigned again for the current attempt, to the bot's session here or relayed to the replica its presence names; the task does not change. Works for an assigned or running task, any other status answering 409; sent: true means the message was handed on, not that the bot received it.")
    @APIResponse(responseCode = "200", description = "Sent", content = @Content(schema = @Schema(implementation = BroadcastResponse.class)))
    @APIResponse(responseCode = "404", description = "No such task")
    @APIResponse(responseCode = "409", description = "The task is not assigned, or no replica is known to hold its bot's connection")
    public Uni<BroadcastResponse> broadcast(@PathParam("task_id") String taskId) {
        return assignments.resend(new TaskId(Params.uuid("task_id", taskId)))
                .map(t -> new BroadcastResponse(t.id().value(), t.botId().value(), t.attempt(), true));
    }
}
