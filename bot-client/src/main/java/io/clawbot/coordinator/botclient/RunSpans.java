package io.clawbot.coordinator.botclient;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A span for each run of a handler, a child of the coordinator's trace of the task (the {@code traceparent} of
 * {@code task_assigned}, read with the W3C trace-context propagator whatever the {@link OpenTelemetry} given is
 * set up with), current while the handler runs. With the API's no-op (no SDK installed) it costs next to nothing.
 */
final class RunSpans {

    private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("clawbot.task.id");
    private static final AttributeKey<String> TASK_TYPE = AttributeKey.stringKey("clawbot.task.type");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("clawbot.task.attempt");

    private static final TextMapGetter<AssignedTask> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(AssignedTask carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(AssignedTask carrier, String key) {
            return carrier != null && "traceparent".equals(key) ? carrier.traceParent() : null;
        }
    };

    private static final Logger LOG = Logger.getLogger(RunSpans.class.getName());

    private final Tracer tracer;

    RunSpans(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.clawbot.coordinator.botclient");
    }

    /** The span of one run, started now; a run without a span if tracing fails, so the task still runs. */
    Run start(AssignedTask task) {
        try {
            return startSpan(task);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "no span for this run", e);
            return new Run(Span.getInvalid());
        }
    }

    private Run startSpan(AssignedTask task) {
        Context parent = task.traceParent() == null
                ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), task, TRACEPARENT);
        var builder = tracer.spanBuilder("clawbot.run " + (task.type() == null ? "(any)" : task.type()))
                .setParent(parent).setSpanKind(SpanKind.CONSUMER).setAttribute(TASK_ID, task.taskId())
                .setAttribute(ATTEMPT, (long) task.attempt());
        if (task.type() != null) {
            builder.setAttribute(TASK_TYPE, task.type());
        }
        return new Run(builder.startSpan());
    }

    /** One run's span. */
    static final class Run {
        private final Span span;

        Run(Span span) {
            this.span = span;
        }

        Scope makeCurrent() {
            return span.makeCurrent();
        }

        void failed(Throwable e) {
            try {
                span.recordException(e);
                span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            } catch (RuntimeException ignored) {
                // Tracing never changes what the run reports.
            }
        }

        void end() {
            try {
                span.end();
            } catch (RuntimeException ignored) {
                // As above.
            }
        }
    }
}
