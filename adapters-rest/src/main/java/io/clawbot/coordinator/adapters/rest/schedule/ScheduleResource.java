package io.clawbot.coordinator.adapters.rest.schedule;

import jakarta.annotation.security.RolesAllowed;
import io.clawbot.coordinator.adapters.rest.access.Roles;
import io.clawbot.coordinator.adapters.rest.access.Audit;
import io.clawbot.coordinator.adapters.rest.common.Created;
import io.clawbot.coordinator.adapters.rest.common.Params;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.adapters.rest.schedule.ScheduleDtos.FireTimesResponse;
import io.clawbot.coordinator.adapters.rest.schedule.ScheduleDtos.PreviewRequest;
import io.clawbot.coordinator.adapters.rest.schedule.ScheduleDtos.ScheduleRequest;
import io.clawbot.coordinator.adapters.rest.schedule.ScheduleDtos.ScheduleResponse;
import io.clawbot.coordinator.application.schedule.ScheduleLifecycle;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.ScheduleId;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/schedules")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Schedules", description = "Cron schedules that create a task or start a workflow from a template")
public class ScheduleResource {

    private final ScheduleLifecycle schedules;
    private final Audit audit;

    public ScheduleResource(ScheduleLifecycle schedules, Audit audit) {
        this.schedules = schedules;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "createSchedule", summary = "Create a schedule; enabled, it waits for the first occurrence after now", description = "The template is checked with the rules of the endpoint it stands for when the schedule is saved, its errors named under template, and a cron expression that never fires again answers 400. time_zone defaults to UTC, target to task, enabled to true and misfire_policy to skip.")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = ScheduleResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, a bad cron expression, time zone or template, or another invalid field")
    @APIResponse(responseCode = "409", description = "The name is taken")
    @APIResponse(responseCode = "413", description = "The body is too large")
    @APIResponse(responseCode = "415", description = "The body is not JSON")
    public Uni<Response> create(ScheduleRequest request) {
        return audit.after(schedules.create(body(request).toSpec()), "schedule.create", s -> s.id())
                .map(s -> Created.at("/api/v1/schedules/" + s.id())
                        .entity(ScheduleResponse.of(s)).build());
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "listSchedules", summary = "List schedules, oldest first", description = "Disabled schedules are included. Pages take limit (1-500, default 50) and offset.")
    @APIResponse(responseCode = "200", description = "A page of schedules")
    @APIResponse(responseCode = "400", description = "Invalid page")
    public Uni<List<ScheduleResponse>> list(@QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return schedules.list(Params.page(limit, offset))
                .map(list -> list.stream().map(ScheduleResponse::of).toList());
    }

    @POST
    @Path("/preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "previewSchedule", summary = "The next fire times of a cron expression in a time zone, without saving anything", description = "Reads the expression as createSchedule would, time_zone defaulting to UTC, and answers count fire times after now (default 5, at most 100), fewer when the expression stops firing.")
    @APIResponse(responseCode = "200", description = "The next fire times, earliest first", content = @Content(schema = @Schema(implementation = FireTimesResponse.class)))
    @APIResponse(responseCode = "400", description = "A bad cron expression, time zone or count")
    public Uni<FireTimesResponse> preview(PreviewRequest request) {
        PreviewRequest body = body(request);
        return Uni.createFrom().item(
                () -> FireTimesResponse.of(schedules.preview(body.cron(), body.timeZone(), body.count())));
    }

    @GET
    @Path("/{schedule_id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "getSchedule", summary = "Get a schedule", description = "Answers the whole definition with next_fire_at (null while disabled) and last_fired_at.")
    @APIResponse(responseCode = "200", description = "The schedule", content = @Content(schema = @Schema(implementation = ScheduleResponse.class)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID")
    @APIResponse(responseCode = "404", description = "No such schedule")
    public Uni<ScheduleResponse> get(@PathParam("schedule_id") String scheduleId) {
        return schedules.get(id(scheduleId)).map(ScheduleResponse::of);
    }

    @PUT
    @Path("/{schedule_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "replaceSchedule", summary = "Replace a schedule's definition; its next fire time is recomputed from now when the expression, time zone or enablement changes", description = "Takes the whole definition, as createSchedule does: a field left out takes its default again, so an absent enabled enables the schedule. When none of those three changes, it keeps the occurrence it was waiting for; last_fired_at is always kept.")
    @APIResponse(responseCode = "200", description = "The schedule as replaced", content = @Content(schema = @Schema(implementation = ScheduleResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, a bad cron expression, time zone or template, or another invalid field")
    @APIResponse(responseCode = "404", description = "No such schedule")
    @APIResponse(responseCode = "409", description = "The name is taken")
    public Uni<ScheduleResponse> replace(@PathParam("schedule_id") String scheduleId, ScheduleRequest request) {
        ScheduleId id = id(scheduleId);
        return audit.after(schedules.replace(id, body(request).toSpec()), "schedule.replace", id)
                .map(ScheduleResponse::of);
    }

    @DELETE

    @Produces({ MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE })
    @Path("/{schedule_id}")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "deleteSchedule", summary = "Delete a schedule; what it already created stays", description = "Removes the schedule for good; tasks and workflows it created are not touched. An unknown or already deleted schedule answers 404.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such schedule")
    public Uni<Response> delete(@PathParam("schedule_id") String scheduleId) {
        return audit.after(schedules.delete(id(scheduleId)), "schedule.delete", scheduleId)
                .map(ignored -> Response.noContent().build());
    }

    @POST
    @Path("/{schedule_id}/enable")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "enableSchedule", summary = "Enable a schedule: it fires from the first occurrence after now, without catching up", description = "Occurrences missed while it was disabled are not fired. Enabling an enabled schedule answers 200 and keeps its next fire time.")
    @APIResponse(responseCode = "200", description = "The enabled schedule (also when it already was)", content = @Content(schema = @Schema(implementation = ScheduleResponse.class)))
    @APIResponse(responseCode = "404", description = "No such schedule")
    public Uni<ScheduleResponse> enable(@PathParam("schedule_id") String scheduleId) {
        return audit.after(schedules.enable(id(scheduleId)), "schedule.enable", scheduleId).map(ScheduleResponse::of);
    }

    @POST
    @Path("/{schedule_id}/disable")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
    @Operation(operationId = "disableSchedule", summary = "Disable a schedule: it keeps its definition and fires no more", description = "Clears next_fire_at; enableSchedule resumes it from the first occurrence after that moment. Disabling a disabled schedule answers 200 and changes nothing.")
    @APIResponse(responseCode = "200", description = "The disabled schedule (also when it already was)", content = @Content(schema = @Schema(implementation = ScheduleResponse.class)))
    @APIResponse(responseCode = "404", description = "No such schedule")
    public Uni<ScheduleResponse> disable(@PathParam("schedule_id") String scheduleId) {
        return audit.after(schedules.disable(id(scheduleId)), "schedule.disable", scheduleId).map(ScheduleResponse::of);
    }

    @GET
    @Path("/{schedule_id}/next-fire-times")
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER })
    @Operation(operationId = "getScheduleFireTimes", summary = "The next fire times of a schedule's expression after now, enabled or not", description = "Computed from the stored expression and time zone, whatever next_fire_at says: count fire times after now (default 5, 1-100).")
    @APIResponse(responseCode = "200", description = "The next fire times, earliest first", content = @Content(schema = @Schema(implementation = FireTimesResponse.class)))
    @APIResponse(responseCode = "400", description = "The count is not 1-100")
    @APIResponse(responseCode = "404", description = "No such schedule")
    public Uni<FireTimesResponse> nextFireTimes(@PathParam("schedule_id") String scheduleId,
            @QueryParam("count") String count) {
        ScheduleId id = id(scheduleId);
        return schedules.upcoming(id, Params.optionalInt("count", count)).map(FireTimesResponse::of);
    }

    private static ScheduleId id(String value) {
        return new ScheduleId(Params.uuid("schedule_id", value));
    }

    private static <T> T body(T request) {
        if (request == null) {
            throw new ValidationException("body", "a JSON object is required");
        }
        return request;
    }
}
