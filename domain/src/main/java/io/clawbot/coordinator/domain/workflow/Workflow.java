package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Refusal;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.id.KeyId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run of a {@link WorkflowDefinition}: one task per step. Its status is derived from the steps
 * ({@link DagPlan}) and stored with every step change so that it can be listed and filtered.
 *
 * @param taskIds the steps in the definition's order
 * @param definition the graph it runs; {@code null} for a workflow stored before definitions existed (its steps
 *        then run in order)
 * @param input the data its steps' params may refer to ({@code ${input.x}})
 * @param startedAt when its first step was released; {@code null} while it has not been started
 * @param version optimistic-lock counter, raised by every write
 * @param owner the API key of the client that created it; {@code null} when the service did, or before keys
 */
public record Workflow(
        WorkflowId id,
        String name,
        String description,
        WorkflowStatus status,
        Map<String, Object> metadata,
        List<TaskId> taskIds,
        Instant startedAt,
        Instant createdAt,
        Instant updatedAt,
        long version,
        WorkflowDefinition definition,
        Map<String, Object> input,
        KeyId owner) {

    public Workflow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        metadata = JsonObjects.copyOf(metadata);
        taskIds = List.copyOf(taskIds);
        input = JsonObjects.copyOf(input);
    }

    public static Workflow create(WorkflowId id, WorkflowDefinition definition, Map<String, Object> input,
            Map<String, Object> metadata, List<TaskId> taskIds, boolean started, Instant now) {
        return new Workflow(id, definition.name(), definition.description(), WorkflowStatus.PENDING, metadata, taskIds,
                started ? now : null, now, now, 0, definition, input, null);
    }

    /** The same new workflow, created by the client with this key. */
    public Workflow ownedBy(KeyId key) {
        return new Workflow(id, name, description, status, metadata, taskIds, startedAt, createdAt, updatedAt, version,
                definition, input, key);
    }

    public boolean isStarted() {
        return startedAt != null;
    }

    /** Not started -> started; starting again, or starting a finished workflow, is rejected. */
    public Transition<Workflow> start(Instant now) {
        if (isStarted()) {
            return Transition.rejected(Refusal.ALREADY_STARTED,
                    "Workflow " + id + " was already started at " + startedAt);
        }
        if (status.isTerminal()) {
            return Transition.rejected(Refusal.ALREADY_ENDED,
                    "Workflow " + id + " is already " + status.wire() + "; it cannot be started");
        }
        return Transition.changed(new Workflow(id, name, description, status, metadata, taskIds, now, createdAt, now,
                version, definition, input, owner));
    }

    /** The same workflow with {@code next} status; unchanged when the status is the same. */
    public Workflow withStatus(WorkflowStatus next, Instant now) {
        if (next == status) {
            return this;
        }
        return new Workflow(id, name, description, next, metadata, taskIds, startedAt, createdAt, now, version,
                definition, input, owner);
    }
}
