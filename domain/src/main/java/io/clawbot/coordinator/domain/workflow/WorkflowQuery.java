package io.clawbot.coordinator.domain.workflow;

/** Filters for listing workflows; {@code status} is optional. */
public record WorkflowQuery(WorkflowStatus status) {
}
