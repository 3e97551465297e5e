package io.clawbot.coordinator.bootstrap.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingConfigSourceTest {

    @Test
    void an_endpoint_turns_tracing_on_and_sends_the_spans_there() {
        TracingConfigSource on = new TracingConfigSource(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT",
                " http://collector:4317 "));
        assertThat(on.getValue("quarkus.otel.sdk.disabled")).isEqualTo("false");
        assertThat(on.getValue("quarkus.otel.exporter.otlp.traces.endpoint")).isEqualTo("http://collector:4317");

        TracingConfigSource traces = new TracingConfigSource(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4317",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://b:4318/v1/traces",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));
        assertThat(traces.getValue("quarkus.otel.exporter.otlp.traces.endpoint"))
                .isEqualTo("http://b:4318/v1/traces");
        assertThat(traces.getValue("quarkus.otel.exporter.otlp.traces.protocol")).isEqualTo("http/protobuf");
    }

    @Test
    void without_an_endpoint_it_says_nothing_and_the_sdk_stays_off() {
        assertThat(new TracingConfigSource(Map.of()).getPropertyNames()).isEmpty();
        assertThat(new TracingConfigSource(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "  ")).getPropertyNames())
                .isEmpty();
    }

    @Test
    void an_unknown_protocol_stops_the_start_with_what_is_allowed() {
        assertThatThrownBy(() -> new TracingConfigSource(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4317",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "udp"))).hasMessageContaining("grpc or http/protobuf");
    }
}
