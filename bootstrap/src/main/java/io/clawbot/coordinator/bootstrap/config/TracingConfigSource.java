package io.clawbot.coordinator.bootstrap.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Tracing follows the standard OpenTelemetry variable: with {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) set, spans are recorded and sent there over OTLP
 * ({@code OTEL_EXPORTER_OTLP_PROTOCOL}: {@code grpc}, the default, or {@code http/protobuf}); without it the
 * OpenTelemetry SDK is off ({@code application.properties}), so nothing is recorded, exported or paid for. Like
 * {@link ConnectionUrlConfigSource}, it sits above {@code application.properties} and below explicit Quarkus
 * settings.
 */
public class TracingConfigSource extends VariableConfigSource {

    static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    static final String TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    static final String PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";

    public TracingConfigSource() {
        this(System.getenv());
    }

    TracingConfigSource(Map<String, String> env) {
        super("OTEL_EXPORTER_OTLP", properties(env));
    }

    private static Map<String, String> properties(Map<String, String> env) {
        String endpoint = nonBlank(env.get(TRACES_ENDPOINT));
        if (endpoint == null) {
            endpoint = nonBlank(env.get(ENDPOINT));
        }
        Map<String, String> out = new HashMap<>();
        if (endpoint != null) {
            out.put("quarkus.otel.sdk.disabled", "false");
            out.put("quarkus.otel.exporter.otlp.traces.endpoint", endpoint);
            String protocol = nonBlank(env.get(PROTOCOL));
            if (protocol != null) {
                if (!protocol.equals("grpc") && !protocol.equals("http/protobuf")) {
                    throw new IllegalArgumentException(PROTOCOL + " must be grpc or http/protobuf, not '" + protocol
                            + "'");
                }
                out.put("quarkus.otel.exporter.otlp.traces.protocol", protocol);
            }
        }
        return out;
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

}
