package io.clawbot.coordinator.adapters.ws;

import io.clawbot.coordinator.domain.task.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/** The frames the coordinator sends to bots: {@code {"type": ..., "payload": {...}}} as in seed 000. */
final class BotMessages {

    private BotMessages() {
    }

    record Frame(String type, Map<String, Object> payload) {
    }

    static Frame taskAssigned(Task task) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task_id", task.id().toString());
        payload.put("attempt", task.attempt());
        payload.put("type", task.type());
        payload.put("task_payload", task.payload());
        payload.put("timeout_seconds", task.timeoutSeconds());
        payload.put("priority", task.priority());
        payload.put("workflow_id", task.workflowId() == null ? null : task.workflowId().toString());
        return new Frame("task_assigned", payload);
    }
}
