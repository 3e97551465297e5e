package io.clawbot.coordinator.domain.workflow.port;

import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.workflow.DefinitionSummary;
import io.clawbot.coordinator.domain.workflow.DefinitionVersion;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/** Durable store of named, versioned workflow definitions. A stored version is never changed or removed. */
public interface WorkflowDefinitionStore {

    /**
     * Stores version 1 of a new name.
     *
     * @throws io.clawbot.coordinator.domain.common.ConflictException {@code workflow-definition-exists} when the
     *         name is taken
     */
    Uni<DefinitionVersion> create(String name, WorkflowDefinition definition, Instant now);

    /**
     * Stores the next version of an existing name, numbered one above the highest in one atomic step.
     *
     * @return the stored version, or {@code null} when no definition has this name
     * @throws io.clawbot.coordinator.domain.common.ConflictException {@code concurrent-modification} when another
     *         version took the number first; retrying takes the next one
     */
    Uni<DefinitionVersion> addVersion(String name, WorkflowDefinition definition, Instant now);

    /** The given version, or the latest when {@code version} is {@code null}; {@code null} when there is none. */
    Uni<DefinitionVersion> find(String name, Integer version);

    /** Every name with its latest version, by name. */
    Uni<List<DefinitionSummary>> list(PageRequest page);

    /** The versions of a name, oldest first; empty when no definition has this name. */
    Uni<List<DefinitionVersion.Header>> versions(String name);
}
