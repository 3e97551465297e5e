package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.common.port.Tracing;
import io.clawbot.coordinator.adapters.jsonschema.NetworkntSchemaCheck;
import io.clawbot.coordinator.application.task.AssignTask;
import io.clawbot.coordinator.application.task.BotNotices;
import io.clawbot.coordinator.application.task.CancelTask;
import io.clawbot.coordinator.application.task.DeleteTask;
import io.clawbot.coordinator.application.bot.BotHealthWatch;
import io.clawbot.coordinator.application.task.Dispatcher;
import io.clawbot.coordinator.application.task.ExpireAttempts;
import io.clawbot.coordinator.application.task.RedriveTask;
import io.clawbot.coordinator.application.task.ReportTask;
import io.clawbot.coordinator.application.task.RetryDefaults;
import io.clawbot.coordinator.application.task.SubmitTask;
import io.clawbot.coordinator.application.task.TaskQueries;
import io.clawbot.coordinator.application.task.TaskWatch;
import io.clawbot.coordinator.application.task.TaskWriter;
import io.clawbot.coordinator.application.tasktype.TaskTypes;
import io.clawbot.coordinator.bootstrap.config.TaskTypesConfig;
import io.clawbot.coordinator.bootstrap.config.WatchConfig;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.task.port.WorkQueue;
import io.clawbot.coordinator.domain.tasktype.port.SchemaCheck;
import io.clawbot.coordinator.domain.tasktype.port.TaskTypeStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.InstantSource;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/** Makes the task use cases into beans. */
public class TaskWiring {

    /** The jitter of retry backoffs. */
    private static final DoubleSupplier RANDOM = () -> ThreadLocalRandom.current().nextDouble();

    @Produces
    @Singleton
    TaskQueries taskQueries(TaskStore tasks) {
        return new TaskQueries(tasks);
    }

    @Produces
    @Singleton
    TaskWatch taskWatch(TaskStore tasks, WatchConfig config) {
        return new TaskWatch(tasks, config.maxWatchers());
    }

    @Produces
    @Singleton
    TaskWriter taskWriter(UnitOfWork unitOfWork, TaskStore tasks, BotRegistry bots, WorkSignal signal,
            Conditions conditions) {
        return new TaskWriter(unitOfWork, tasks, bots, signal, conditions);
    }

    @Produces
    @Singleton
    BotNotices botNotices(BotChannel channel) {
        return new BotNotices(channel);
    }

    @Produces
    @Singleton
    SubmitTask submitTask(TaskStore tasks, IdSource ids, InstantSource clock, WorkSignal signal,
            RetryDefaults retryDefaults, TaskTypes types, Tracing tracing) {
        return new SubmitTask(tasks, ids, clock, signal, retryDefaults, types, tracing);
    }

    /** Payload schemas checked with networknt's JSON Schema 2020-12 validator. */
    @Produces
    @Singleton
    SchemaCheck schemaCheck() {
        return new NetworkntSchemaCheck();
    }

    @Produces
    @Singleton
    TaskTypes taskTypes(TaskTypeStore store, SchemaCheck schemas, InstantSource clock, TaskTypesConfig config) {
        return new TaskTypes(store, schemas, clock, config.strict());
    }

    @Produces
    @Singleton
    AssignTask assignTask(TaskQueries queries, TaskStore tasks, BotRegistry bots, TaskWriter writer,
            BotChannel channel, InstantSource clock) {
        return new AssignTask(queries, tasks, bots, writer, channel, clock);
    }

    @Produces
    @Singleton
    ReportTask reportTask(WorkQueue queue, TaskQueries queries, TaskWriter writer, WorkSignal signal,
            InstantSource clock) {
        return new ReportTask(queue, queries, writer, signal, clock, RANDOM);
    }

    @Produces
    @Singleton
    CancelTask cancelTask(TaskQueries queries, TaskWriter writer, BotNotices notices, InstantSource clock) {
        return new CancelTask(queries, writer, notices, clock);
    }

    @Produces
    @Singleton
    RedriveTask redriveTask(TaskQueries queries, TaskWriter writer, InstantSource clock) {
        return new RedriveTask(queries, writer, clock);
    }

    @Produces
    @Singleton
    DeleteTask deleteTask(TaskQueries queries, TaskStore tasks) {
        return new DeleteTask(queries, tasks);
    }

    @Produces
    @Singleton
    ExpireAttempts expireAttempts(TaskLeases leases, TaskWriter writer, BotNotices notices, InstantSource clock) {
        return new ExpireAttempts(leases, writer, notices, clock, RANDOM);
    }

    @Produces
    @Singleton
    Dispatcher dispatcher(TaskStore tasks, WorkQueue queue, BotChannel channel, BotHealthWatch health) {
        return new Dispatcher(tasks, queue, channel, health::usable);
    }
}
