package io.clawbot.coordinator.e2e;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Keeps the spans the service exports in memory, for tests that turn tracing on ({@link Traced}); with tracing off
 * (every other test) nothing reaches it.
 */
@ApplicationScoped
public class SpanRecorder {

    @Produces
    @Singleton
    InMemorySpanExporter spans() {
        return InMemorySpanExporter.create();
    }
}
