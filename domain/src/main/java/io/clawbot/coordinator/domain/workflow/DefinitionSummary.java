package io.clawbot.coordinator.domain.workflow;

import java.time.Instant;

/**
 * A named workflow definition as listed: its latest version, without the graph.
 *
 * @param workflowName the latest version's own name, which its runs are called
 * @param description the latest version's description, or {@code null}
 * @param createdAt when version 1 was stored
 * @param updatedAt when the latest version was stored
 */
public record DefinitionSummary(
        String name,
        int latestVersion,
        String workflowName,
        String description,
        Instant createdAt,
        Instant updatedAt) {
}
