package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.task.HeldReport;
import io.clawbot.coordinator.domain.task.RetryNote;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.WorkQueue;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.DoubleSupplier;

/**
 * A report about a task from the bot working on it or from an operator: started, completed with a result, or failed
 * with an error. One road, whether the report came over the bot's socket or over HTTP: a report that names the bot
 * holding the task tries the hot path first (one statement, when it {@code FastPath#settlesInOneStep settles in one
 * step}); anything else is decided the full way, which also answers a repeat with the stored state and explains a
 * stale report. The two entry points differ only in whom a freed slot is announced to.
 */
public final class ReportTask {

    private final WorkQueue queue;
    private final TaskQueries queries;
    private final TaskWriter writer;
    private final WorkSignal signal;
    private final InstantSource clock;
    private final DoubleSupplier random;

    /** @param random numbers in [0, 1) for the jitter of retry backoffs */
    public ReportTask(WorkQueue queue, TaskQueries queries, TaskWriter writer, WorkSignal signal, InstantSource clock,
            DoubleSupplier random) {
        this.queue = queue;
        this.queries = queries;
        this.writer = writer;
        this.signal = signal;
        this.clock = clock;
        this.random = random;
    }

    /**
     * A report over HTTP. A slot it frees is announced to every replica: the bot's socket, if it has one, may be on
     * any of them.
     */
    public Uni<Reported> report(TaskReport report) {
        return settle(report, signal::workMayBeAvailable);
    }

    /** A report over the bot's socket on this replica: a slot it frees concerns this replica's dispatch alone. */
    public Uni<Reported> reportFromSocket(TaskReport report) {
        return settle(report, signal::slotFreedHere);
    }

    private Uni<Reported> settle(TaskReport report, Runnable slotFreed) {
        if (report.fence().botId() == null) {
            return fullWay(report);
        }
        HeldReport kind = switch (report) {
            case TaskReport.Start s -> HeldReport.START;
            case TaskReport.Complete c -> HeldReport.COMPLETE;
            case TaskReport.Fail f -> HeldReport.FAIL;
        };
        return queue.reportHeld(report.taskId(), report.fence().botId(), report.fence().attempt(), kind,
                report instanceof TaskReport.Complete c ? c.result() : null,
                report instanceof TaskReport.Fail f ? f.error() : null,
                report instanceof TaskReport.Fail f ? f.errorCode() : null, report.actor())
                .flatMap(written -> {
                    if (written == null) {
                        return fullWay(report);
                    }
                    if (kind != HeldReport.START) {
                        // A task of a concurrency key that ends frees a slot of the key too, which a bot on any
                        // replica may be waiting for.
                        if (written.concurrency() != null) {
                            signal.workMayBeAvailable();
                        } else {
                            slotFreed.run();
                        }
                    }
                    return Uni.createFrom().item(new Reported(written, false));
                });
    }

    /** Reads the task, lets the domain decide, and writes what follows; a lost race is decided again. */
    private Uni<Reported> fullWay(TaskReport report) {
        return ConcurrentRetry.run(() -> queries.get(report.taskId()).flatMap(task -> {
            Instant now = clock.instant();
            Transition<Task> transition = switch (report) {
                case TaskReport.Start s -> task.start(s.fence(), now);
                case TaskReport.Complete c -> task.complete(c.fence(), c.result(), now);
                case TaskReport.Fail f -> task.fail(f.fence(), f.error(), f.errorCode(), now, random.getAsDouble());
            };
            String reason = switch (report) {
                case TaskReport.Start s -> "started";
                case TaskReport.Complete c -> "completed";
                case TaskReport.Fail f -> "failed: " + f.error() + RetryNote.after(transition);
            };
            return writer.write(task, transition, report.actor(), reason, now);
        }));
    }
}
