package io.clawbot.coordinator.adapters.rest.schedule;

import io.clawbot.coordinator.application.schedule.FireTimes;
import io.clawbot.coordinator.application.schedule.ScheduleLifecycle;
import io.clawbot.coordinator.domain.schedule.Schedule;
import io.clawbot.coordinator.domain.schedule.ScheduleSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the schedule API (snake_case). */
public final class ScheduleDtos {

    private ScheduleDtos() {
    }

    // The formatter mishandles records with annotated components.
    // @formatter:off
    @Schema(name = "ScheduleRequest", description = "A schedule's whole definition, to create it or to replace it")
    public record ScheduleRequest(
            @Schema(required = true, description = "Unique", example = "nightly-build", minLength = 1, maxLength = ScheduleSpec.MAX_NAME_LENGTH) String name,
            @Schema(description = "Free text", maxLength = ScheduleSpec.MAX_DESCRIPTION_LENGTH) String description,
            @Schema(required = true, description = "Standard 5-field cron expression: minute hour day-of-month month day-of-week", example = "0 9 * * 1-5", maxLength = ScheduleSpec.MAX_CRON_LENGTH) String cron,
            @Schema(description = "IANA time zone the expression is read in", defaultValue = "UTC", example = "Europe/Berlin") String timeZone,
            @Schema(description = "What each occurrence makes", defaultValue = "task") String target,
            @Schema(required = true, description = "The JSON body of POST /api/v1/tasks (target task) or POST /api/v1/workflows (target workflow)") Map<String, Object> template,
            @Schema(description = "Whether it fires; a disabled schedule keeps its definition", defaultValue = "true") Boolean enabled,
            @Schema(description = "After an outage longer than the misfire threshold: skip the missed occurrences, or fire once for them", defaultValue = "skip") String misfirePolicy) {
        // @formatter:on

        @Schema(hidden = true)
        public ScheduleSpec toSpec() {
            return ScheduleSpec.of(name, description, cron, timeZone, target, template, enabled, misfirePolicy);
        }
    }

    // @formatter:off
    @Schema(name = "SchedulePreviewRequest")
    public record PreviewRequest(
            @Schema(required = true, example = "0 9 * * 1-5") String cron,
            @Schema(defaultValue = "UTC", example = "Europe/Berlin") String timeZone,
            @Schema(description = "How many fire times", defaultValue = "5", minimum = "1", maximum = "" + ScheduleLifecycle.MAX_PREVIEW_COUNT) Integer count) {
        // @formatter:on
    }

    // @formatter:off
    @Schema(name = "Schedule", requiredProperties = { "id", "name", "cron", "time_zone", "misfire_policy", "target", "template", "enabled", "created_at", "updated_at" })
    public record ScheduleResponse(
            UUID id,
            String name,
            String description,
            String cron,
            String timeZone,
            String misfirePolicy,
            String target,
            Map<String, Object> template,
            boolean enabled,
            @Schema(description = "The occurrence it waits for; null while disabled") Instant nextFireAt,
            @Schema(description = "When it last created a task or workflow") Instant lastFiredAt,
            Instant createdAt,
            Instant updatedAt) {
        // @formatter:on

        public static ScheduleResponse of(Schedule s) {
            return new ScheduleResponse(s.id().value(), s.name(), s.description(), s.cron(), s.timeZone(),
                    s.misfirePolicy().wire(), s.target().wire(), s.template(), s.enabled(), s.nextFireAt(),
                    s.lastFiredAt(), s.createdAt(), s.updatedAt());
        }
    }

    @Schema(name = "ScheduleFireTimes", requiredProperties = { "cron", "time_zone", "next_fire_times" })
    public record FireTimesResponse(String cron, String timeZone, List<Instant> nextFireTimes) {

        public static FireTimesResponse of(FireTimes times) {
            return new FireTimesResponse(times.cron(), times.timeZone(), times.times());
        }
    }
}
