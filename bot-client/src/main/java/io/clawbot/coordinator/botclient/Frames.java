package io.clawbot.coordinator.botclient;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes and decodes the protocol's frames, {@code {"type": "<type>", "payload": {...}}} JSON text, and reads the
 * payloads the client acts on. Public so that tests and tools can build and read frames the way the client does.
 */
public final class Frames {

    /** One decoded frame. {@code payload} is never {@code null}. */
    public record Frame(String type, Map<String, Object> payload) {
    }

    // ObjectMapper is thread-safe once configured; one for the whole client keeps its caches warm.
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private Frames() {
    }

    /**
     * Encodes a frame. A {@code null} payload becomes {@code {}} because the protocol requires an object.
     *
     * @throws IllegalArgumentException
     *             if the type is blank or a payload value cannot be written as JSON
     */
    public static String encode(String type, Map<String, Object> payload) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("frame type is required");
        }
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type);
        frame.put("payload", payload == null ? Map.of() : payload);
        try {
            return MAPPER.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload of '" + type + "' is not JSON-serializable: " + e.getMessage(),
                    e);
        }
    }

    /**
     * Decodes a frame. A missing or {@code null} payload reads as an empty one, so that a frame without data
     * needs no special case.
     *
     * @throws IllegalArgumentException
     *             if the text is not JSON, not an object, has no textual {@code type}, or a payload that is not an
     *             object
     */
    public static Frame decode(String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("frame is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("frame is not a JSON object");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw new IllegalArgumentException("frame has no textual 'type'");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || payload.isNull()) {
            return new Frame(type.asText(), new LinkedHashMap<>());
        }
        if (!payload.isObject()) {
            throw new IllegalArgumentException("payload of '" + type.asText() + "' is not an object");
        }
        return new Frame(type.asText(), MAPPER.convertValue(payload, MAP));
    }

    /**
     * Reads a {@code connected} payload. Missing intervals fall back to the protocol's documented defaults so that
     * a sparse server does not stop the client.
     *
     * @throws IllegalArgumentException
     *             if {@code bot_id} is missing or a field has the wrong type
     */
    public static ConnectedInfo connectedInfo(Map<String, Object> payload) {
        return new ConnectedInfo(requireString(payload, "bot_id"), intOr(payload, "protocol_version", 1),
                intOr(payload, "heartbeat_interval_seconds", 30), intOr(payload, "ack_timeout_seconds", 10),
                intOr(payload, "lease_seconds", 60), intOr(payload, "slots", 1));
    }

    /**
     * Reads a {@code task_assigned} payload.
     *
     * @throws IllegalArgumentException
     *             if {@code task_id} or {@code attempt} is missing or a field has the wrong type
     */
    public static AssignedTask assignedTask(Map<String, Object> payload) {
        Object taskPayload = payload.get("task_payload");
        if (taskPayload != null && !(taskPayload instanceof Map)) {
            throw new IllegalArgumentException("'task_payload' is not an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> input = (Map<String, Object>) taskPayload;
        return new AssignedTask(requireString(payload, "task_id"), requireInt(payload, "attempt"),
                stringOr(payload, "type", null), input, intOr(payload, "priority", 0),
                intOr(payload, "timeout_seconds", 0), stringOr(payload, "deadline", null),
                stringOr(payload, "workflow_id", null), stringOr(payload, "traceparent", null));
    }

    static String requireString(Map<String, Object> payload, String field) {
        String value = stringOr(payload, field, null);
        if (value == null) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return value;
    }

    static String stringOr(Map<String, Object> payload, String field, String fallback) {
        Object value = payload.get(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("'" + field + "' is not a string");
        }
        return text;
    }

    static int requireInt(Map<String, Object> payload, String field) {
        if (payload.get(field) == null) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return intOr(payload, field, 0);
    }

    static int intOr(Map<String, Object> payload, String field, int fallback) {
        Object value = payload.get(field);
        if (value == null) {
            return fallback;
        }
        // Jackson reads whole numbers as Integer, Long or BigInteger by size; a fraction or a string is an error.
        if (value instanceof Integer number) {
            return number;
        }
        if (value instanceof Long || value instanceof BigInteger) {
            throw new IllegalArgumentException("'" + field + "' is out of range");
        }
        throw new IllegalArgumentException("'" + field + "' is not an integer");
    }
}
