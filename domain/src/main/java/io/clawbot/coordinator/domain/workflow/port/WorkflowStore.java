package io.clawbot.coordinator.domain.workflow.port;

import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowQuery;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** Durable store of workflows. A workflow's steps live in the {@code TaskStore}. */
public interface WorkflowStore {

    /**
     * Stores a workflow with all its steps and their creation entries in one transaction. Idempotency as in
     * {@code TaskStore#create}.
     */
    Uni<Created<Workflow>> create(Workflow workflow, List<Task> steps, List<TaskTransitioned> creations,
            IdempotencyKey key);

    /** The workflow, or {@code null} when none has this id. */
    Uni<Workflow> findById(WorkflowId id);

    /** The workflows of these ids that exist, in one query, in no particular order. */
    Uni<List<Workflow>> findByIds(List<WorkflowId> ids);

    /**
     * Workflows matching the query, newest first, as a list shows them: without their definitions and inputs
     * (both {@code null} and empty), which can be large and are read with {@link #findById}.
     */
    Uni<List<Workflow>> list(WorkflowQuery query, PageRequest page);

    /**
     * Up to {@code limit} workflows, by id after {@code after} ({@code null}: from the first), that no step's change
     * would move on any more: started, not ended, and with no step pending or held by a bot.
     */
    Uni<List<WorkflowId>> stalled(WorkflowId after, int limit);

    /** Deletes the workflow with its steps and their history; {@code false} when there was none. */
    Uni<Boolean> delete(WorkflowId id);
}
