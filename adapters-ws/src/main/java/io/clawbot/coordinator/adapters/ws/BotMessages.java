package io.clawbot.coordinator.adapters.ws;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The frames the coordinator sends to bots: {@code {"type": ..., "payload": {...}}} (docs/bot-protocol.md). */
final class BotMessages {

    static final int PROTOCOL_VERSION = 1;

    private BotMessages() {
    }

    record Frame(String type, Map<String, Object> payload) {
    }

    static Frame connected(Bot bot, ChannelTerms terms) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("bot_id", bot.id().toString());
        payload.put("protocol_version", PROTOCOL_VERSION);
        payload.put("heartbeat_interval_seconds", terms.heartbeatInterval().toSeconds());
        payload.put("ack_timeout_seconds", terms.ackTimeout().toSeconds());
        payload.put("lease_seconds", terms.lease().toSeconds());
        payload.put("slots", bot.slots());
        return new Frame("connected", payload);
    }

    static Frame taskAssigned(Task task, Instant deadline) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task_id", task.id().toString());
        payload.put("attempt", task.attempt());
        payload.put("type", task.type());
        payload.put("task_payload", task.payload());
        payload.put("priority", task.priority());
        payload.put("timeout_seconds", task.timeoutSeconds());
        payload.put("deadline", deadline.toString());
        payload.put("workflow_id", task.workflowId() == null ? null : task.workflowId().toString());
        if (task.traceParent() != null) {
            // The W3C trace context of the task's creation: the bot's run continues that trace.
            payload.put("traceparent", task.traceParent());
        }
        return new Frame("task_assigned", payload);
    }

    static Frame taskCancel(Task task, String reason) {
        return taskCancel(task.id(), task.attempt(), reason);
    }

    static Frame taskCancel(TaskId taskId, int attempt, String reason) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task_id", taskId.toString());
        payload.put("attempt", attempt);
        payload.put("reason", reason);
        return new Frame("task_cancel", payload);
    }

    static Frame taskAck(Task task, boolean duplicate) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task_id", task.id().toString());
        payload.put("attempt", task.attempt());
        payload.put("status", task.status().wire());
        payload.put("duplicate", duplicate);
        return new Frame("task_ack", payload);
    }

    static Frame heartbeatAck(Instant now) {
        return new Frame("heartbeat_ack", Map.of("server_time", now.toString()));
    }

    static Frame slotsAck(int slots) {
        return new Frame("slots_ack", Map.of("slots", slots));
    }

    static Frame error(String code, String message, String taskId) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("code", code);
        payload.put("message", message);
        if (taskId != null) {
            payload.put("task_id", taskId);
        }
        return new Frame("error", payload);
    }
}
