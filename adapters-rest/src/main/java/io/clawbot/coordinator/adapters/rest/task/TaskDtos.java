package io.clawbot.coordinator.adapters.rest.task;

import io.clawbot.coordinator.domain.task.Task;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the task API (snake_case). */
public final class TaskDtos {

    private TaskDtos() {
    }

    @Schema(name = "CreateTaskRequest")
    public record CreateTaskRequest(
            @Schema(description = "Capability a bot needs to take the task; absent lets any bot take it", example = "build") String type,
            @Schema(description = "Higher runs first, -1000 to 1000", defaultValue = "0") Integer priority,
            @Schema(description = "What the bot should do: any JSON object") Map<String, Object> payload,
            @Schema(description = "How long a bot may work on it, 1-3600 seconds", defaultValue = "300") Integer timeoutSeconds) {
    }

    @Schema(name = "AssignTaskRequest")
    public record AssignTaskRequest(@Schema(required = true) UUID botId) {
    }

    @Schema(name = "TaskReportRequest", description = "Optional fencing: the attempt and bot the report is about")
    public record StartTaskRequest(
            @Schema(description = "The attempt this report is about; a stale one is rejected") Integer attempt,
            @Schema(description = "The bot sending the report") UUID botId) {
    }

    @Schema(name = "CompleteTaskRequest")
    public record CompleteTaskRequest(
            @Schema(description = "The task's output: any JSON object") Map<String, Object> result,
            @Schema(description = "The attempt this report is about; a stale one is rejected") Integer attempt,
            @Schema(description = "The bot sending the report") UUID botId) {
    }

    @Schema(name = "FailTaskRequest")
    public record FailTaskRequest(
            @Schema(required = true, description = "What went wrong") String error,
            @Schema(description = "The attempt this report is about; a stale one is rejected") Integer attempt,
            @Schema(description = "The bot sending the report") UUID botId) {
    }

    @Schema(name = "CancelTaskRequest")
    public record CancelTaskRequest(@Schema(description = "Why; recorded in the task's history") String reason) {
    }

    // The formatter mishandles records with annotated components.
    // @formatter:off
    @Schema(name = "Task")
    public record TaskResponse(
            UUID id,
            String type,
            @Schema(enumeration = {
                    "waiting", "pending", "assigned", "in_progress", "completed", "failed",
                    "cancelled" }) String status,
            int priority,
            Map<String, Object> payload,
            Map<String, Object> result,
            String error,
            int timeoutSeconds,
            UUID workflowId,
            Integer workflowPosition,
            UUID botId,
            int attempt,
            Instant createdAt,
            Instant updatedAt,
            Instant assignedAt,
            Instant startedAt,
            Instant completedAt) {
        // @formatter:on

        public static TaskResponse of(Task t) {
            return new TaskResponse(t.id().value(), t.type(), t.status().wire(), t.priority(), t.payload(), t.result(),
                    t.error(), t.timeoutSeconds(), t.workflowId() == null ? null : t.workflowId().value(),
                    t.workflowPosition(), t.botId() == null ? null : t.botId().value(), t.attempt(), t.createdAt(),
                    t.updatedAt(), t.assignedAt(), t.startedAt(), t.completedAt());
        }
    }
}
