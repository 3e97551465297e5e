package io.clawbot.coordinator.adapters.rest.status;

import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.application.insight.FleetStatusQuery;
import io.clawbot.coordinator.application.insight.RecentDispatches;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.insight.FleetStatus;
import io.clawbot.coordinator.domain.insight.LatencyHistogram;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/status")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Status", description = "The work and the fleet at a glance")
public class StatusResource {

    /** How long one stream lasts before it closes and its client follows again (its key checked again). */
    static final Duration STREAM_LASTS = Duration.ofMinutes(10);
    static final int MAX_EVERY_SECONDS = 60;

    private final FleetStatusQuery status;

    public StatusResource(FleetStatusQuery status) {
        this.status = status;
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "getStatus", summary = "The work and the fleet now: backlog, running work, dead letters, bots and slots", description = "Pending tasks by type and priority (ready and delayed, and how long the oldest ready one has waited), waiting workflow steps, assigned and running tasks, dead letters, completions in the last minute, bots by status, their slots used and free, and the bots connected to each replica. Read at most once a second per replica however many clients poll it, so polling every second is cheap; with If-None-Match it answers 304 while nothing changed.")
    @APIResponse(responseCode = "200", description = "The status", content = @Content(schema = @Schema(implementation = StatusResponse.class)))
    public Uni<StatusResponse> get() {
        return status.status().map(StatusResponse::of);
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER })
    @Operation(operationId = "streamStatus", summary = "Follow the status as Server-Sent Events", description = "Sends the status (event status, its data as getStatus answers) at once and then every `every` seconds, for 10 minutes, after which the stream closes: follow it again to go on (an EventSource does so by itself). Every follower shares the replica's one read a second.")
    @APIResponse(responseCode = "200", description = "The stream of events", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING, description = "text/event-stream: events status, each with the status as JSON data")))
    @APIResponse(responseCode = "400", description = "every is not a whole number of seconds from 1 to 60")
    @APIResponse(responseCode = "503", description = "This replica serves as many waiting clients as it may; Retry-After says when to try again")
    public Multi<OutboundSseEvent> stream(
            @Parameter(description = "Seconds between events, from 1 to 60; 1 when not given") @QueryParam("every") String every,
            @Context Sse sse) {
        Integer seconds = Params.optionalInt("every", every);
        if (seconds != null && (seconds < 1 || seconds > MAX_EVERY_SECONDS)) {
            throw new ValidationException("every", "must be from 1 to " + MAX_EVERY_SECONDS + " seconds");
        }
        return status.follow(Duration.ofSeconds(seconds == null ? 1 : seconds), STREAM_LASTS)
                .map(view -> sse.newEventBuilder().name("status").mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(StatusResponse.of(view)).build());
    }

    // @formatter:off
    @Schema(name = "Status", requiredProperties = { "tasks", "bots", "dispatch", "replicas", "read_at" })
    public record StatusResponse(TaskCounts tasks, BotCounts bots, Dispatch dispatch, List<ReplicaConnections> replicas,
            @Schema(description = "When the database was read (at most a second before the answer)") Instant readAt) {

        static StatusResponse of(FleetStatusQuery.View view) {
            FleetStatus f = view.fleet();
            return new StatusResponse(TaskCounts.of(f),
                    new BotCounts(f.bots().get("online"), f.bots().get("busy"), f.bots().get("offline"),
                            f.slots().total(), f.slots().used(), f.slots().free()),
                    Dispatch.of(view.dispatches()),
                    view.connections().entrySet().stream().map(e -> new ReplicaConnections(e.getKey(), e.getValue()))
                            .toList(),
                    f.at());
        }
    }

    @Schema(name = "StatusDispatch", description = "How long tasks waited from being ready to being given to a bot, over every replica's dispatches of about the last minute (as each last reported, every 5 s); quantiles are exact to within a bucket (0.5, 1, 2, 3, 5, 7.5, 10, 15, 25, 50, 100, 250 ms, ...)", requiredProperties = { "window_seconds", "count" })
    public record Dispatch(
            @Schema(description = "The window the figures cover") long windowSeconds,
            @Schema(description = "Tasks given to bots in it") long count,
            @Schema(description = "The median wait in milliseconds; null when none was dispatched") Double p50Ms,
            @Schema(description = "The 99th percentile wait in milliseconds; null when none was dispatched") Double p99Ms) {

        static Dispatch of(LatencyHistogram h) {
            return new Dispatch(RecentDispatches.WINDOW.toSeconds(), h.count(), millis(h, 0.5), millis(h, 0.99));
        }

        private static Double millis(LatencyHistogram h, double q) {
            return h.quantile(q).map(d -> Math.round(d.toNanos() / 10_000.0) / 100.0).orElse(null);
        }
    }

    @Schema(name = "StatusTasks", requiredProperties = { "pending", "ready", "delayed", "oldest_ready_age_seconds", "pending_by_type", "waiting", "assigned", "in_progress", "dead_letters", "completed_last_minute" })
    public record TaskCounts(
            @Schema(description = "Pending tasks: ready and delayed") long pending,
            @Schema(description = "Pending tasks that may run now") long ready,
            @Schema(description = "Pending tasks whose run_at (a delay or a retry's backoff) lies ahead") long delayed,
            @Schema(description = "How long the oldest ready task has waited; 0 when none waits") double oldestReadyAgeSeconds,
            @Schema(description = "Pending tasks by type and priority, highest priority first") List<PendingGroup> pendingByType,
            @Schema(description = "Workflow steps waiting for the steps they depend on") long waiting,
            @Schema(description = "Tasks offered to a bot that has not accepted yet") long assigned,
            @Schema(description = "Tasks a bot is running") long inProgress,
            @Schema(description = "Tasks that failed or timed out for good") long deadLetters,
            @Schema(description = "Tasks completed in the last minute") long completedLastMinute) {

        static TaskCounts of(FleetStatus f) {
            return new TaskCounts(f.pendingTotal(), f.pendingTotal() - f.delayedTotal(), f.delayedTotal(),
                    f.oldestReadyAge().toMillis() / 1000.0,
                    f.pending().stream().map(g -> new PendingGroup(g.type(), g.priority(), g.pending(), g.ready(),
                            g.delayed(), g.oldestReadySince() == null ? 0
                                    : Math.max(0, java.time.Duration.between(g.oldestReadySince(), f.at()).toMillis() / 1000.0)))
                            .toList(),
                    f.waiting(), f.assigned(), f.inProgress(), f.deadLetters(), f.completedLastMinute());
        }
    }

    @Schema(name = "StatusPendingGroup", requiredProperties = { "priority", "pending", "ready", "delayed", "oldest_ready_age_seconds" })
    public record PendingGroup(
            @Schema(description = "The task type; null for tasks any bot may take") String type,
            int priority, long pending, long ready, long delayed, double oldestReadyAgeSeconds) {
    }

    @Schema(name = "StatusBots", requiredProperties = { "online", "busy", "offline", "slots", "slots_used", "slots_free" })
    public record BotCounts(long online, long busy, long offline,
            @Schema(description = "The slots of the bots online or busy") long slots,
            @Schema(description = "Tasks held by bots (assigned or running)") long slotsUsed,
            long slotsFree) {
    }

    @Schema(name = "StatusReplica", requiredProperties = { "name", "connections" })
    public record ReplicaConnections(
            @Schema(description = "The replica's name") String name,
            @Schema(description = "Bots connected to it, as it last reported (every 5 s)") int connections) {
    }
    // @formatter:on
}
