package io.clawbot.coordinator.application.trigger;

import io.clawbot.coordinator.application.task.SubmitTask;
import io.clawbot.coordinator.application.workflow.WorkflowDefinitions;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.trigger.EventTemplate;
import io.clawbot.coordinator.domain.trigger.Trigger;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.UUID;

/**
 * Creates the work of one stored event. The creation carries an idempotency key made of the delivery's id, so
 * that finishing an interrupted delivery a second time finds the work the first time made.
 */
public final class TriggerWork {

    private final SubmitTask tasks;
    private final WorkflowLifecycle workflows;
    private final WorkflowDefinitions definitions;

    public TriggerWork(SubmitTask tasks, WorkflowLifecycle workflows, WorkflowDefinitions definitions) {
        this.tasks = tasks;
        this.workflows = workflows;
        this.definitions = definitions;
    }

    /** What was created: {@code task} or {@code workflow}, and its id. */
    public record Work(String kind, UUID id) {
    }

    public Uni<Work> create(Trigger trigger, UUID delivery, Map<String, Object> event) {
        Map<String, Object> resolved = EventTemplate.resolve(trigger.template(), event);
        IdempotencyKey key = new IdempotencyKey("trigger:" + trigger.name() + ":" + delivery, delivery.toString());
        return switch (trigger.target()) {
            case TASK -> tasks.submit(TriggerTemplates.task(resolved, key))
                    .map(created -> new Work("task", created.resource().id().value()));
            case WORKFLOW -> workflows.create(TriggerTemplates.workflow(resolved, key))
                    .map(created -> new Work("workflow", created.resource().workflow().id().value()));
            case DEFINITION -> {
                TriggerTemplates.DefinitionRun run = TriggerTemplates.definition(resolved);
                yield definitions.startRun(run.name(), run.version(), run.input(), run.metadata(), true, key, null)
                        .map(created -> new Work("workflow", created.resource().workflow().id().value()));
            }
        };
    }
}
