package io.clawbot.coordinator.botclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FramesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void encodes_type_and_payload_as_one_json_object() throws Exception {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task_id", "t-1");
        payload.put("attempt", 2);
        payload.put("success", true);
        payload.put("result", Map.of("items", List.of(1, 2)));

        JsonNode frame = JSON.readTree(Frames.encode("task_complete", payload));

        assertThat(frame.size()).isEqualTo(2);
        assertThat(frame.get("type").asText()).isEqualTo("task_complete");
        assertThat(frame.get("payload").get("task_id").asText()).isEqualTo("t-1");
        assertThat(frame.get("payload").get("attempt").isInt()).isTrue();
        assertThat(frame.get("payload").get("attempt").asInt()).isEqualTo(2);
        assertThat(frame.get("payload").get("success").asBoolean()).isTrue();
        assertThat(frame.get("payload").get("result").get("items").toString()).isEqualTo("[1,2]");
    }

    @Test
    void encodes_a_missing_payload_as_an_empty_object() {
        assertThat(Frames.encode("heartbeat", null)).isEqualTo("{\"type\":\"heartbeat\",\"payload\":{}}");
        assertThat(Frames.encode("heartbeat", Map.of())).isEqualTo("{\"type\":\"heartbeat\",\"payload\":{}}");
    }

    @Test
    void keeps_null_values_in_a_payload() throws Exception {
        Map<String, Object> payload = new HashMap<>();
        payload.put("workflow_id", null);
        JsonNode frame = JSON.readTree(Frames.encode("x", payload));
        assertThat(frame.get("payload").has("workflow_id")).isTrue();
        assertThat(frame.get("payload").get("workflow_id").isNull()).isTrue();
    }

    @Test
    void refuses_to_encode_without_a_type() {
        assertThatThrownBy(() -> Frames.encode(" ", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.encode(null, Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refuses_to_encode_what_jackson_cannot_write() {
        assertThatThrownBy(() -> Frames.encode("x", Map.of("thread", new Object())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON-serializable");
    }

    @Test
    void decodes_what_it_encodes() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("slots", 4);
        payload.put("nested", Map.of("a", "b"));

        Frames.Frame frame = Frames.decode(Frames.encode("slots", payload));

        assertThat(frame.type()).isEqualTo("slots");
        assertThat(frame.payload()).isEqualTo(payload);
    }

    @Test
    void decodes_a_frame_without_payload_as_an_empty_payload() {
        assertThat(Frames.decode("{\"type\":\"heartbeat_ack\"}").payload()).isEmpty();
        assertThat(Frames.decode("{\"type\":\"heartbeat_ack\",\"payload\":null}").payload()).isEmpty();
    }

    @Test
    void rejects_malformed_frames() {
        for (String text : List.of("not json", "[1,2]", "\"text\"", "{}", "{\"type\":1,\"payload\":{}}",
                "{\"type\":\"\",\"payload\":{}}", "{\"type\":\"x\",\"payload\":[1]}",
                "{\"type\":\"x\",\"payload\":3}")) {
            assertThatThrownBy(() -> Frames.decode(text)).as(text).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void reads_a_task_assignment() {
        Frames.Frame frame = Frames.decode("""
                {"type": "task_assigned", "payload": {"task_id": "t-9", "attempt": 3, "type": "build",
                  "task_payload": {"tag": "v1", "n": null}, "priority": -5, "timeout_seconds": 120,
                  "deadline": "2030-01-01T00:00:10Z", "workflow_id": "w-1"}}
                """);

        AssignedTask task = Frames.assignedTask(frame.payload());

        assertThat(task.taskId()).isEqualTo("t-9");
        assertThat(task.attempt()).isEqualTo(3);
        assertThat(task.type()).isEqualTo("build");
        assertThat(task.payload()).containsEntry("tag", "v1").containsEntry("n", null).hasSize(2);
        assertThat(task.priority()).isEqualTo(-5);
        assertThat(task.timeoutSeconds()).isEqualTo(120);
        assertThat(task.deadline()).isEqualTo("2030-01-01T00:00:10Z");
        assertThat(task.workflowId()).isEqualTo("w-1");
        assertThatThrownBy(() -> task.payload().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void fills_optional_assignment_fields_with_defaults() {
        AssignedTask task = Frames.assignedTask(Map.of("task_id", "t", "attempt", 1));

        assertThat(task.payload()).isEmpty();
        assertThat(task.type()).isNull();
        assertThat(task.priority()).isZero();
        assertThat(task.deadline()).isNull();
        assertThat(task.workflowId()).isNull();
    }

    @Test
    void rejects_assignments_without_id_or_attempt_or_with_wrong_types() {
        assertThatThrownBy(() -> Frames.assignedTask(Map.of("attempt", 1))).hasMessageContaining("task_id");
        assertThatThrownBy(() -> Frames.assignedTask(Map.of("task_id", "t"))).hasMessageContaining("attempt");
        assertThatThrownBy(() -> Frames.assignedTask(Map.of("task_id", "t", "attempt", "1")))
                .hasMessageContaining("'attempt' is not an integer");
        assertThatThrownBy(() -> Frames.assignedTask(Map.of("task_id", "t", "attempt", 1.5)))
                .hasMessageContaining("'attempt' is not an integer");
        assertThatThrownBy(() -> Frames.assignedTask(Map.of("task_id", "t", "attempt", 5_000_000_000L)))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> Frames.assignedTask(Map.of("task_id", 7, "attempt", 1)))
                .hasMessageContaining("'task_id' is not a string");
        assertThatThrownBy(() -> Frames.assignedTask(Map.of("task_id", "t", "attempt", 1, "task_payload", "x")))
                .hasMessageContaining("task_payload");
    }

    @Test
    void reads_the_connected_frame() {
        Frames.Frame frame = Frames.decode("""
                {"type": "connected", "payload": {"bot_id": "b-1", "protocol_version": 1,
                  "heartbeat_interval_seconds": 15, "ack_timeout_seconds": 5, "lease_seconds": 45, "slots": 2}}
                """);

        assertThat(Frames.connectedInfo(frame.payload())).isEqualTo(new ConnectedInfo("b-1", 1, 15, 5, 45, 2));
    }

    @Test
    void falls_back_to_protocol_defaults_in_a_sparse_connected_frame() {
        assertThat(Frames.connectedInfo(Map.of("bot_id", "b"))).isEqualTo(new ConnectedInfo("b", 1, 30, 10, 60, 1));
        assertThatThrownBy(() -> Frames.connectedInfo(Map.of("slots", 1))).hasMessageContaining("bot_id");
    }
}
