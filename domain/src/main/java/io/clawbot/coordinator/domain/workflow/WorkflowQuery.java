package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.id.KeyId;

/**
 * Filters for listing workflows; each is optional.
 *
 * @param owner only the workflows this key created
 */
public record WorkflowQuery(WorkflowStatus status, KeyId owner) {

    public WorkflowQuery(WorkflowStatus status) {
        this(status, null);
    }
}
