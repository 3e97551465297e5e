package io.clawbot.coordinator.bootstrap.tracing;

import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A task's life after its creation as spans of the trace it was created in, recorded once each write commits
 * (whichever replica made it): each dispatch (from ready to assigned) and each attempt (from assigned to its end,
 * with its cause). A retry's dispatch and attempt are linked to the attempt before it, whose span id follows from
 * the task and the attempt ({@link TaskSpanIds}). Tasks created outside a trace record nothing.
 */
public final class WorkTraces implements WorkMetrics {

    private static final Logger LOG = Logger.getLogger(WorkTraces.class);
    static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("clawbot.task.id");
    static final AttributeKey<String> TASK_TYPE = AttributeKey.stringKey("clawbot.task.type");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("clawbot.task.attempt");
    static final AttributeKey<String> BOT_ID = AttributeKey.stringKey("clawbot.bot.id");
    static final AttributeKey<String> CAUSE = AttributeKey.stringKey("clawbot.task.cause");
    static final AttributeKey<String> WORKFLOW_ID = AttributeKey.stringKey("clawbot.workflow.id");
    static final AttributeKey<Long> POSITION = AttributeKey.longKey("clawbot.workflow.position");
    static final AttributeKey<Long> RETRY_OF = AttributeKey.longKey("clawbot.task.retry_of_attempt");

    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;

    public WorkTraces(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.clawbot.coordinator");
    }

    @Override
    public void dispatched(Task task, Instant readySince) {
        if (task.traceParent() == null || task.assignedAt() == null || readySince == null) {
            return;
        }
        record("clawbot.dispatch " + label(task), task, task, readySince, task.assignedAt(), SpanKind.PRODUCER, null,
                false, false);
    }

    @Override
    public void moved(Task before, Task task, TaskTransitioned event) {
        if (task.traceParent() == null || event.from() == null) {
            return;
        }
        Task held = before == null ? task : before;
        if (event.from().isHeldByBot() && !event.to().isHeldByBot() && held.assignedAt() != null) {
            record("clawbot.attempt " + label(task), task, held, held.assignedAt(), event.occurredAt(),
                    SpanKind.CONSUMER, event.cause(), event.to() != TaskStatus.COMPLETED, true);
        }
    }

    /**
     * @param attemptSpan whether this is the attempt's own span, whose id follows from the task and the attempt
     */
    private void record(String name, Task task, Task held, Instant start, Instant end, SpanKind kind, String cause,
            boolean failed, boolean attemptSpan) {
        try {
            Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), task.traceParent(),
                    TRACEPARENT);
            var builder = tracer.spanBuilder(name).setParent(parent).setSpanKind(kind).setStartTimestamp(start)
                    .setAttribute(TASK_ID, task.id().toString()).setAttribute(ATTEMPT, (long) held.attempt());
            if (task.type() != null) {
                builder.setAttribute(TASK_TYPE, task.type());
            }
            if (held.botId() != null) {
                builder.setAttribute(BOT_ID, held.botId().toString());
            }
            if (task.workflowId() != null) {
                builder.setAttribute(WORKFLOW_ID, task.workflowId().toString());
                if (task.workflowPosition() != null) {
                    builder.setAttribute(POSITION, (long) task.workflowPosition());
                }
            }
            if (cause != null) {
                builder.setAttribute(CAUSE, cause);
            }
            int attempt = held.attempt();
            if (attempt > 1) {
                // A retry: linked to the attempt before it.
                String traceId = parentTraceId(parent);
                builder.addLink(SpanContext.createFromRemoteParent(traceId,
                        TaskSpanIds.attemptSpanId(task.id(), attempt - 1), TraceFlags.getSampled(),
                        TraceState.getDefault()), Attributes.of(RETRY_OF, (long) (attempt - 1)));
            }
            Span span = attemptSpan
                    ? TaskSpanIds.withSpanId(TaskSpanIds.attemptSpanId(task.id(), attempt), builder::startSpan)
                    : builder.startSpan();
            if (failed) {
                span.setStatus(StatusCode.ERROR, cause);
            }
            span.end(end.isBefore(start) ? start : end);
        } catch (RuntimeException e) {
            LOG.debug("a span was not recorded", e);
        }
    }

    private static String parentTraceId(Context parent) {
        return Span.fromContext(parent).getSpanContext().getTraceId();
    }

    private static String label(Task task) {
        return task.type() == null ? "(any)" : task.type();
    }
}
