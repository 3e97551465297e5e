package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Tracing on, its spans kept in memory ({@link SpanRecorder}) and sent nowhere else. */
public class Traced implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.otel.sdk.disabled", "false",
                // Nothing listens there: the OTLP exporter's batches fail at once and are dropped.
                "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:9",
                "quarkus.otel.bsp.schedule.delay", "100ms",
                "quarkus.log.category.\"io.opentelemetry\".level", "OFF",
                "quarkus.log.category.\"io.quarkus.opentelemetry\".level", "OFF");
    }
}
