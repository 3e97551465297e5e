package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.application.workflow.WorkflowDefinitions;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.domain.workflow.port.WorkflowDefinitionStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.InstantSource;

/** Makes the workflow definition use case into a bean: stored definitions start runs through the lifecycle. */
public class WorkflowDefinitionWiring {

    @Produces
    @Singleton
    WorkflowDefinitions workflowDefinitions(WorkflowDefinitionStore store, WorkflowLifecycle workflows,
            InstantSource clock) {
        return new WorkflowDefinitions(store, workflows, clock);
    }
}
