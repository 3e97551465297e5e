package io.clawbot.coordinator.application.trigger;

import io.clawbot.coordinator.application.schedule.ScheduleTemplates;
import io.clawbot.coordinator.application.task.SubmitTaskCommand;
import io.clawbot.coordinator.application.workflow.CreateWorkflowCommand;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.trigger.EventTemplate;
import io.clawbot.coordinator.domain.trigger.TriggerTarget;
import java.util.Map;
import java.util.Set;

/**
 * What a trigger's template makes: a task or a workflow (the bodies of the create endpoints, as a schedule's
 * template), or the run of a stored definition ({@code name}, optional {@code version}, {@code input},
 * {@code metadata}). Errors name the field under {@code template}.
 */
public final class TriggerTemplates {

    static final Set<String> DEFINITION_FIELDS = Set.of("name", "version", "input", "metadata");
    /** Where a workflow's template may take event values: data, never the steps the workflow resolves itself. */
    private static final Set<String> WORKFLOW_EVENT_FIELDS = Set.of("input", "metadata", "name", "description");

    private TriggerTemplates() {
    }

    /** A stored definition's run. */
    public record DefinitionRun(String name, Integer version, Map<String, Object> input,
            Map<String, Object> metadata) {
    }

    /** Checks the template for the target, with every event value a sample string. */
    public static void validate(TriggerTarget target, Map<String, Object> template) {
        for (String path : EventTemplate.referencePaths(ScheduleTemplates.FIELD, template)) {
            String field = path.substring(ScheduleTemplates.FIELD.length() + 1).split("[.\\[]", 2)[0];
            if (target != TriggerTarget.TASK && !WORKFLOW_EVENT_FIELDS.contains(field)) {
                throw new ValidationException(path, "a workflow's template takes event values only in input, "
                        + "metadata, name and description; pass them to the steps through input");
            }
        }
        Map<String, Object> sample = EventTemplate.sample(template);
        switch (target) {
            case TASK -> ScheduleTemplates.task(sample, null);
            case WORKFLOW -> ScheduleTemplates.workflow(sample, null);
            case DEFINITION -> definition(sample);
        }
    }

    public static SubmitTaskCommand task(Map<String, Object> resolved, IdempotencyKey key) {
        return ScheduleTemplates.task(resolved, key);
    }

    public static CreateWorkflowCommand workflow(Map<String, Object> resolved, IdempotencyKey key) {
        return ScheduleTemplates.workflow(resolved, key);
    }

    @SuppressWarnings("unchecked")
    public static DefinitionRun definition(Map<String, Object> resolved) {
        for (String field : resolved.keySet()) {
            if (!DEFINITION_FIELDS.contains(field)) {
                throw new ValidationException(ScheduleTemplates.FIELD + "." + field, "unknown field '" + field + "'");
            }
        }
        if (!(resolved.get("name") instanceof String name) || name.isBlank()) {
            throw new ValidationException(ScheduleTemplates.FIELD + ".name", "is required: the definition's name");
        }
        Object version = resolved.get("version");
        if (version != null && !(version instanceof Integer v && v >= 1)) {
            throw new ValidationException(ScheduleTemplates.FIELD + ".version", "must be an integer, 1 or more");
        }
        for (String field : new String[]{ "input", "metadata" }) {
            Object value = resolved.get(field);
            if (value != null && !(value instanceof Map<?, ?>)) {
                throw new ValidationException(ScheduleTemplates.FIELD + "." + field, "must be a JSON object");
            }
        }
        return new DefinitionRun(name, (Integer) version, (Map<String, Object>) resolved.get("input"),
                (Map<String, Object>) resolved.get("metadata"));
    }
}
