package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.application.bot.BotConnections;
import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.application.task.Dispatcher;
import io.clawbot.coordinator.application.task.TaskLifecycle;
import io.clawbot.coordinator.application.task.TaskQueries;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.bootstrap.config.BotsConfig;
import io.clawbot.coordinator.bootstrap.config.DispatchConfig;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.bot.port.BotChannel;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.task.port.WorkSignal;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.InstantSource;

/** Makes the framework-free use cases into beans, handing each the adapters behind its ports. */
public class Wiring {

    @Produces
    @Singleton
    InstantSource clock() {
        return InstantSource.system();
    }

    @Produces
    @Singleton
    IdSource ids(InstantSource clock) {
        return new TimeOrderedIdSource(clock);
    }

    @Produces
    @Singleton
    BotLifecycle botLifecycle(BotRegistry bots, TaskStore tasks, IdSource ids, InstantSource clock,
            BotsConfig config) {
        return new BotLifecycle(bots, tasks, ids, clock, config.staleAfter());
    }

    @Produces
    @Singleton
    ChannelTerms channelTerms(DispatchConfig config) {
        return new ChannelTerms(config.heartbeatInterval(), config.ackTimeout(), config.lease(),
                config.reconnectGrace());
    }

    @Produces
    @Singleton
    TaskLifecycle taskLifecycle(TaskStore tasks, BotRegistry bots, WorkflowStore workflows, BotChannel channel,
            IdSource ids, InstantSource clock, WorkSignal signal) {
        return new TaskLifecycle(tasks, bots, workflows, channel, ids, clock, signal);
    }

    @Produces
    @Singleton
    Dispatcher dispatcher(TaskStore tasks, BotChannel channel) {
        return new Dispatcher(tasks, channel);
    }

    @Produces
    @Singleton
    BotConnections botConnections(BotLifecycle bots, TaskLifecycle taskLifecycle, TaskStore tasks, WorkSignal signal,
            ChannelTerms terms) {
        return new BotConnections(bots, taskLifecycle, tasks, signal, terms);
    }

    @Produces
    @Singleton
    TaskQueries taskQueries(TaskStore tasks) {
        return new TaskQueries(tasks);
    }

    @Produces
    @Singleton
    WorkflowLifecycle workflowLifecycle(WorkflowStore workflows, TaskStore tasks, IdSource ids, InstantSource clock,
            WorkSignal signal) {
        return new WorkflowLifecycle(workflows, tasks, ids, clock, signal);
    }
}
