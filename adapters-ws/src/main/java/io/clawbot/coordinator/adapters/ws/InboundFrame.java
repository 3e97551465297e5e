package io.clawbot.coordinator.adapters.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.domain.common.NulCharacters;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A frame from a bot, checked field by field. Every problem is a {@link Rejected} carrying the error code and
 * a message that names the field, ready to go back to the bot.
 */
final class InboundFrame {

    /** A frame the coordinator will not act on, and why. */
    static final class Rejected extends Exception {
        final String code;
        final String taskId;

        Rejected(String code, String message, String taskId) {
            super(message, null, false, false);
            this.code = code;
            this.taskId = taskId;
        }
    }

    final String type;
    private final JsonNode payload;

    private InboundFrame(String type, JsonNode payload) {
        this.type = type;
        this.payload = payload;
    }

    static InboundFrame parse(ObjectMapper json, String text) throws Rejected {
        if (NulCharacters.inJsonText(text)) {
            throw new Rejected("invalid_text", "strings " + NulCharacters.MESSAGE, null);
        }
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (Exception e) {
            throw new Rejected("malformed_frame", "the frame is not valid JSON", null);
        }
        if (root == null || !root.isObject() || !root.path("type").isTextual()) {
            throw new Rejected("malformed_frame", "a frame is a JSON object {\"type\": ..., \"payload\": {...}}", null);
        }
        JsonNode payload = root.get("payload");
        if (payload == null || payload.isNull()) {
            payload = json.createObjectNode();
        } else if (!payload.isObject()) {
            throw new Rejected("malformed_frame", "payload must be a JSON object", null);
        }
        return new InboundFrame(root.get("type").asText(), payload);
    }

    /** The task id, for error frames; {@code null} when absent or not text. */
    String taskIdOrNull() {
        JsonNode node = payload.get("task_id");
        return node != null && node.isTextual() ? node.asText() : null;
    }

    UUID taskId() throws Rejected {
        String raw = taskIdOrNull();
        if (raw == null) {
            throw invalid("task_id is required and must be a string");
        }
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw invalid("task_id must be a UUID");
        }
    }

    int requiredInt(String field, int min, int max) throws Rejected {
        Integer value = optionalInt(field, min, max);
        if (value == null) {
            throw invalid(field + " is required");
        }
        return value;
    }

    Integer optionalInt(String field, int min, int max) throws Rejected {
        JsonNode node = payload.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min || node.asInt() > max) {
            throw invalid(field + " must be an integer between " + min + " and " + max);
        }
        return node.asInt();
    }

    boolean requiredBoolean(String field) throws Rejected {
        JsonNode node = payload.get(field);
        if (node == null || !node.isBoolean()) {
            throw invalid(field + " is required and must be true or false");
        }
        return node.asBoolean();
    }

    String optionalText(String field, int maxLength) throws Rejected {
        JsonNode node = payload.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().length() > maxLength) {
            throw invalid(field + " must be a string of at most " + maxLength + " characters");
        }
        return node.asText();
    }

    /** Checks that {@code field}, when present, is a JSON object, without converting it. */
    void requireObjectIfPresent(String field) throws Rejected {
        JsonNode node = payload.get(field);
        if (node != null && !node.isNull() && !node.isObject()) {
            throw invalid(field + " must be a JSON object");
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> optionalObject(ObjectMapper json, String field) throws Rejected {
        JsonNode node = payload.get(field);
        requireObjectIfPresent(field);
        return node == null || node.isNull() ? null : json.convertValue(node, Map.class);
    }

    /**
     * The optional list of {@code {"task_id", "attempt"}} objects a heartbeat may carry; {@code null} when absent.
     */
    List<TaskLeases.Running> optionalRunning(String field, int max) throws Rejected {
        JsonNode node = payload.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() > max) {
            throw invalid(field + " must be a list of at most " + max + " {task_id, attempt} objects");
        }
        List<TaskLeases.Running> out = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            JsonNode id = item.get("task_id");
            JsonNode attempt = item.get("attempt");
            if (!item.isObject() || id == null || !id.isTextual() || attempt == null || !attempt.canConvertToInt()
                    || !attempt.isIntegralNumber() || attempt.asInt() < 1) {
                throw invalid(field + " must hold {task_id, attempt} objects");
            }
            try {
                out.add(new TaskLeases.Running(new TaskId(UUID.fromString(id.asText())), attempt.asInt()));
            } catch (IllegalArgumentException e) {
                throw invalid(field + ": '" + id.asText() + "' is not a task id");
            }
        }
        return out;
    }

    private Rejected invalid(String message) {
        return new Rejected("invalid_payload", type + ": " + message, taskIdOrNull());
    }
}
