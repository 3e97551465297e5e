package io.clawbot.coordinator.bootstrap.tracing;

import io.clawbot.coordinator.domain.common.port.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The span Quarkus's OpenTelemetry instrumentation has made current (the HTTP request's, itself continuing a
 * client's {@code traceparent}), as W3C trace context. With tracing off ({@code docs/observability.md}) no span is
 * recorded and work is created outside any trace.
 */
@ApplicationScoped
public class OtelTracing implements Tracing {

    @Override
    public String currentParent() {
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid() || !context.isSampled()) {
            return null;
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }
}
