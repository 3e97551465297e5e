package io.clawbot.coordinator.bootstrap.metrics;

import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The work as Micrometer counters and timers, fed by the stores once each write is committed
 * ({@code docs/metrics.md} has the table). Label sets are bounded: a task type is a label up to
 * {@value #MAX_TYPES} types (later ones count as {@code _other}), an attempt's cause is one of the service's codes
 * or up to {@value #MAX_BOT_CODES} codes of bots' own, and no id is ever a label.
 */
public final class WorkMeters implements WorkMetrics {

    private static final Logger LOG = Logger.getLogger(WorkMeters.class);
    static final int MAX_TYPES = 100;
    static final int MAX_BOT_CODES = 50;
    static final String ANY_TYPE = QueueMetrics.ANY_TYPE;
    /** The type label of the tasks of types beyond the first {@link #MAX_TYPES}. */
    static final String OTHER = "_other";

    /** From a millisecond to half an hour: dispatch and acknowledgement sit low, runs and end to end reach high. */
    static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
            Duration.ofSeconds(300), Duration.ofSeconds(600), Duration.ofSeconds(1800) };

    /** The causes the service itself gives an ended attempt. */
    private static final Set<String> SERVICE_CAUSES = Set.of("completed", "failed", "cancelled", "timed_out",
            "retry_scheduled", "handed_back", "ack_timeout", "lease_expired", "execution_timeout",
            "schedule_to_start_timeout", "skipped");

    private final MeterRegistry registry;
    private final ConcurrentMap<String, String> types = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> botCodes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    public WorkMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void moved(Task before, Task task, TaskTransitioned event) {
        try {
            count(before == null ? task : before, task, event);
        } catch (RuntimeException e) {
            LOG.debug("a metric was not recorded", e);
        }
    }

    /** @param held what the attempt's times are read from: the task before, or as written when that is all */
    private void count(Task held, Task task, TaskTransitioned event) {
        String type = type(task.type());
        TaskStatus from = event.from();
        TaskStatus to = event.to();
        Instant at = event.occurredAt();
        if (from == null) {
            counter("clawbot.tasks.created", "Tasks created", type).increment();
            return;
        }
        if (to == TaskStatus.IN_PROGRESS && task.assignedAt() != null && task.startedAt() != null) {
            timer("clawbot.task.ack", "From a task's assignment to the bot's acceptance", type, null)
                    .record(between(task.assignedAt(), task.startedAt()), task);
        }
        if (from.isHeldByBot() && !to.isHeldByBot()) {
            String cause = cause(event.cause());
            counter2("clawbot.task.attempts.ended", "Attempts ended, by cause", type, "cause", cause).increment();
            if (from == TaskStatus.IN_PROGRESS && held.startedAt() != null) {
                timer("clawbot.task.run", "From a bot's acceptance to the attempt's end", type, outcome(to))
                        .record(between(held.startedAt(), at), task);
            }
            if (to == TaskStatus.PENDING && !"handed_back".equals(event.cause())) {
                counter("clawbot.task.retries", "Retries scheduled after an attempt failed or timed out", type)
                        .increment();
            }
        }
        if ("redriven".equals(event.cause())) {
            counter("clawbot.task.redrives", "Dead letters sent back to the queue", type).increment();
        }
        if (to.isTerminal()) {
            String outcome = to.wire();
            counter2("clawbot.tasks.ended", "Tasks ended, by outcome", type, "outcome", outcome).increment();
            timer("clawbot.task.end_to_end", "From a task's creation to its end", type, outcome)
                    .record(between(task.createdAt(), at), task);
            if (to == TaskStatus.FAILED || to == TaskStatus.TIMED_OUT) {
                counter("clawbot.tasks.dead_lettered", "Tasks that failed or timed out for good", type).increment();
            }
        }
    }

    @Override
    public void dispatched(Task task, Instant readySince) {
        try {
            if (task.assignedAt() != null && readySince != null) {
                timer("clawbot.task.dispatch", "From a task's being ready to its assignment to a bot",
                        type(task.type()), null).record(between(readySince, task.assignedAt()), task);
            }
            counter("clawbot.tasks.dispatched", "Tasks given to bots", type(task.type())).increment();
        } catch (RuntimeException e) {
            LOG.debug("a metric was not recorded", e);
        }
    }

    @Override
    public void workflowStarted(Workflow workflow) {
        counters.computeIfAbsent("wf.started", k -> Counter.builder("clawbot.workflows.started")
                .description("Workflow runs started").register(registry)).increment();
    }

    @Override
    public void workflowEnded(Workflow workflow) {
        String status = workflow.status().wire();
        counters.computeIfAbsent("wf.ended." + status, k -> Counter.builder("clawbot.workflows.ended")
                .description("Workflow runs ended, by status").tag("status", status).register(registry))
                .increment();
    }

    private static String outcome(TaskStatus to) {
        return to.isTerminal() ? to.wire() : "retried";
    }

    private static Duration between(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private String type(String type) {
        String key = type == null ? ANY_TYPE : type;
        String label = types.get(key);
        if (label != null) {
            return label;
        }
        if (types.size() >= MAX_TYPES) {
            return OTHER; // not kept: types come from clients, and their number has no bound
        }
        return types.computeIfAbsent(key, k -> k);
    }

    private String cause(String cause) {
        if (SERVICE_CAUSES.contains(cause)) {
            return cause;
        }
        String label = botCodes.get(cause);
        if (label != null) {
            return label;
        }
        if (botCodes.size() >= MAX_BOT_CODES) {
            return "other";
        }
        return botCodes.computeIfAbsent(cause, k -> k);
    }

    private Counter counter(String name, String description, String type) {
        return counters.computeIfAbsent(name + '\0' + type,
                k -> Counter.builder(name).description(description).tag("type", type).register(registry));
    }

    private Counter counter2(String name, String description, String type, String label, String value) {
        return counters.computeIfAbsent(name + '\0' + type + '\0' + value, k -> Counter.builder(name)
                .description(description).tag("type", type).tag(label, value).register(registry));
    }

    /**
     * A task's timer, recorded with the task's trace as the current span: with tracing on, the Prometheus
     * registry samples the trace id as the bucket's exemplar (OpenMetrics format), so a slow bucket leads to a
     * trace of a task that fell in it.
     */
    private record TaskTimer(Timer timer) {

        void record(Duration duration, Task task) {
            SpanContext trace = trace(task.traceParent());
            if (trace == null) {
                timer.record(duration);
                return;
            }
            try (Scope ignored = Context.root().with(Span.wrap(trace)).makeCurrent()) {
                timer.record(duration);
            }
        }

        private static SpanContext trace(String traceParent) {
            if (traceParent == null || traceParent.length() < 55) {
                return null;
            }
            SpanContext context = SpanContext.createFromRemoteParent(traceParent.substring(3, 35),
                    traceParent.substring(36, 52), TraceFlags.getSampled(), TraceState.getDefault());
            return context.isValid() ? context : null;
        }
    }

    private TaskTimer timer(String name, String description, String type, String outcome) {
        Function<String, Timer> make = k -> {
            Timer.Builder builder = Timer.builder(name).description(description).tag("type", type)
                    .serviceLevelObjectives(BUCKETS).minimumExpectedValue(BUCKETS[0])
                    .maximumExpectedValue(BUCKETS[BUCKETS.length - 1]);
            if (outcome != null) {
                builder.tag("outcome", outcome);
            }
            return builder.register(registry);
        };
        return new TaskTimer(timers.computeIfAbsent(name + '\0' + type + '\0' + outcome, make));
    }
}
