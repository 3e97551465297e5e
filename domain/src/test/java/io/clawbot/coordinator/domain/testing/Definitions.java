package io.clawbot.coordinator.domain.testing;

import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import java.util.List;
import java.util.Map;

/** Workflow definitions for tests that do not care about the graph. */
public final class Definitions {

    private Definitions() {
    }

    /** One untyped step, under {@code name}. */
    public static WorkflowDefinition oneStep(String name, String description) {
        return WorkflowDefinition.linear(name, description, List.of(new TaskSpec(null, 0, Map.of(), 60)));
    }
}
