package io.clawbot.coordinator.adapters.rest.task;

import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.CreateTaskRequest;
import io.clawbot.coordinator.application.task.SubmitTask;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the batch creation of tasks (snake_case). */
public final class TaskBatchDtos {

    private TaskBatchDtos() {
    }

    @Schema(name = "CreateTaskBatchRequest", requiredProperties = "tasks")
    public record CreateTaskBatchRequest(
            @Schema(description = "The tasks to create, each as createTask takes it, with its own optional idempotency key", minItems = 1, maxItems = SubmitTask.MAX_BATCH) List<CreateTaskBatchItem> tasks) {
    }

    /** The fields of a single creation, and the item's own key (a batch has no per-item headers). */
    @Schema(name = "CreateTaskBatchItem", description = "A task of a batch: the fields of createTask, and its own idempotency key", allOf = {
            CreateTaskRequest.class, BatchItemKey.class })
    public record CreateTaskBatchItem() {
    }

    @Schema(name = "CreateTaskBatchItemKey")
    public record BatchItemKey(
            @Schema(description = "Makes this task safe to submit again, in this batch, a later one or a single createTask with the same Idempotency-Key: the same key and fields give the task first created for them", maxLength = 255) String idempotencyKey) {
    }

    @Schema(name = "TaskBatchResult", requiredProperties = { "created", "replayed", "failed", "items" })
    public record TaskBatchResponse(
            @Schema(description = "How many tasks were created") int created,
            @Schema(description = "How many items replayed a task created before under their idempotency key") int replayed,
            @Schema(description = "How many items were refused; nothing of them is stored") int failed,
            @Schema(description = "One entry per item of the request, in its order") List<TaskBatchItemResponse> items) {
    }

    @Schema(name = "TaskBatchItemResult", requiredProperties = { "index", "status" })
    public record TaskBatchItemResponse(
            @Schema(description = "The item's place in the request's tasks, from 0") int index,
            @Schema(description = "What a single createTask would have answered: 201 created, 200 replayed (id is the task first created under the key), or the status of the problem") int status,
            @Schema(description = "The task's id, for a created or replayed item") UUID id,
            @Schema(description = "Why the item was refused") Problem problem) {
    }
}
