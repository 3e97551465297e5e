package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.application.workflow.DecideApproval;
import io.clawbot.coordinator.application.task.TaskWriter;
import io.clawbot.coordinator.adapters.cel.CelConditions;
import io.clawbot.coordinator.domain.common.port.Conditions;
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
    DecideApproval decideApproval(WorkflowLifecycle workflows, TaskWriter writer, InstantSource clock) {
        return new DecideApproval(workflows, writer, clock);
    }

    /** Steps' and triggers' conditions, in CEL. */
    @Produces
    @Singleton
    Conditions conditions() {
        return new CelConditions();
    }

    @Produces
    @Singleton
    WorkflowDefinitions workflowDefinitions(WorkflowDefinitionStore store, WorkflowLifecycle workflows,
            InstantSource clock, Conditions conditions) {
        return new WorkflowDefinitions(store, workflows, clock, conditions);
    }
}
