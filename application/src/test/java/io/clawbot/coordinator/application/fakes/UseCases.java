package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.application.bot.BotConnections;
import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.application.task.AssignTask;
import io.clawbot.coordinator.application.task.BotNotices;
import io.clawbot.coordinator.application.task.CancelTask;
import io.clawbot.coordinator.application.task.DeleteTask;
import io.clawbot.coordinator.application.task.Dispatcher;
import io.clawbot.coordinator.application.task.ExpireAttempts;
import io.clawbot.coordinator.application.task.RedriveTask;
import io.clawbot.coordinator.application.task.ReportTask;
import io.clawbot.coordinator.application.task.RetryDefaults;
import io.clawbot.coordinator.application.task.SubmitTask;
import io.clawbot.coordinator.application.task.TaskQueries;
import io.clawbot.coordinator.application.task.TaskWriter;
import io.clawbot.coordinator.application.workflow.CancelWorkflow;
import io.clawbot.coordinator.application.workflow.RepairStalledWorkflows;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;

/**
 * The use cases wired to the fakes of one {@link FakeWorld}, as the application wires them to the real adapters.
 * A test may swap the unit of work (to stage lost races) or the bot channel.
 */
public final class UseCases {

    public final TaskQueries queries;
    public final TaskWriter writer;
    public final BotNotices notices;
    public final SubmitTask submit;
    public final AssignTask assign;
    public final ReportTask report;
    public final CancelTask cancel;
    public final RedriveTask redrive;
    public final DeleteTask delete;
    public final ExpireAttempts expire;
    public final Dispatcher dispatcher;
    public final BotLifecycle bots;
    public final BotConnections connections;
    public final WorkflowLifecycle workflows;
    public final CancelWorkflow cancelWorkflow;
    public final RepairStalledWorkflows repairStalled;

    /** Everything on the world's own fakes, with its retry defaults. */
    public UseCases(FakeWorld world) {
        this(world, world.retries, world.unitOfWork, world.channel);
    }

    /** With other retry defaults. */
    public UseCases(FakeWorld world, RetryDefaults retries) {
        this(world, retries, world.unitOfWork, world.channel);
    }

    public UseCases(FakeWorld world, RetryDefaults retries, UnitOfWork unitOfWork, BotChannel channel) {
        queries = new TaskQueries(world.tasks);
        writer = new TaskWriter(unitOfWork, world.tasks, world.bots, world.signal);
        notices = new BotNotices(channel);
        submit = new SubmitTask(world.tasks, world.ids, world.clock, world.signal, retries);
        assign = new AssignTask(queries, world.tasks, world.bots, writer, channel, world.clock);
        report = new ReportTask(world.queue, queries, writer, world.signal, world.clock, world.random);
        cancel = new CancelTask(queries, writer, notices, world.clock);
        redrive = new RedriveTask(queries, writer, world.clock);
        delete = new DeleteTask(queries, world.tasks);
        expire = new ExpireAttempts(world.leases, writer, notices, world.clock, world.random);
        dispatcher = new Dispatcher(world.tasks, world.queue, channel);
        bots = new BotLifecycle(world.bots, world.tasks, world.leases, world.ids, world.clock, FakeWorld.STALE_AFTER);
        connections = new BotConnections(bots, report, queries, expire, world.leases, world.signal, FakeWorld.TERMS,
                world.presence);
        workflows = new WorkflowLifecycle(world.workflows, world.tasks, unitOfWork, world.ids, world.clock,
                world.signal, retries);
        cancelWorkflow = new CancelWorkflow(world.workflows, world.tasks, writer, unitOfWork, notices,
                world.signal, world.clock);
        repairStalled = new RepairStalledWorkflows(world.workflows, unitOfWork, world.signal, world.clock);
    }
}
