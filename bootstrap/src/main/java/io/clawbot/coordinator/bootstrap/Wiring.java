package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.common.port.Tracing;
import io.clawbot.coordinator.adapters.persistence.postgres.DatabaseClock;
import io.clawbot.coordinator.adapters.persistence.postgres.PgBotHeartbeats;
import io.clawbot.coordinator.adapters.persistence.redis.RedisBotPresence;
import io.clawbot.coordinator.adapters.persistence.redis.RedisReplicaCensus;
import io.clawbot.coordinator.application.insight.ExplainTask;
import io.clawbot.coordinator.application.policy.DispatchPolicies;
import io.clawbot.coordinator.application.policy.KeyPolicies;
import io.clawbot.coordinator.application.insight.FleetStatusQuery;
import io.clawbot.coordinator.application.tasktype.TaskTypes;
import io.clawbot.coordinator.application.workflow.WorkflowWatch;
import io.clawbot.coordinator.bootstrap.config.WatchConfig;
import io.clawbot.coordinator.domain.dispatch.port.ReplicaCensus;
import io.clawbot.coordinator.domain.insight.port.Insights;
import io.clawbot.coordinator.domain.policy.port.PolicyStore;
import io.clawbot.coordinator.adapters.persistence.redis.ReplicaName;
import io.clawbot.coordinator.adapters.ws.BotSessions;
import io.clawbot.coordinator.application.bot.BotConnections;
import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.application.bot.RetireBot;
import io.clawbot.coordinator.application.dispatch.RoutedBotChannel;
import io.clawbot.coordinator.application.task.BotNotices;
import io.clawbot.coordinator.application.task.ExpireAttempts;
import io.clawbot.coordinator.application.task.ReportTask;
import io.clawbot.coordinator.application.task.RetryDefaults;
import io.clawbot.coordinator.application.task.TaskQueries;
import io.clawbot.coordinator.application.task.TaskWriter;
import io.clawbot.coordinator.application.workflow.CancelWorkflow;
import io.clawbot.coordinator.application.workflow.RepairStalledWorkflows;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.bootstrap.config.BotsConfig;
import io.clawbot.coordinator.bootstrap.config.DispatchConfig;
import io.clawbot.coordinator.bootstrap.config.RetryConfig;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.bot.port.BotPresence;
import io.clawbot.coordinator.domain.task.port.BotHeartbeats;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.dispatch.port.ReplicaBus;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Makes the framework-free use cases into beans, handing each the adapters behind its ports. */
public class Wiring {

    /** The service's clock: the database's time, read locally; {@link ClockSync} keeps it measured. */
    @Produces
    @Singleton
    DatabaseClock clock() {
        return new DatabaseClock(InstantSource.system());
    }

    /** The retry policy of new tasks before the client's choices; an invalid configuration stops the start. */
    @Produces
    @Singleton
    RetryDefaults retryDefaults(RetryConfig config) {
        RetryPolicy global = new RetryPolicy(config.maxAttempts(), config.backoff(), config.backoffMultiplier(),
                config.maxBackoff(), config.jitter(), Set.copyOf(config.nonRetryableErrors().orElse(List.of())));
        Map<String, RetryPolicy.Overrides> byType = new HashMap<>();
        config.types().forEach((type, t) -> byType.put(type, new RetryPolicy.Overrides(
                t.maxAttempts().isPresent() ? t.maxAttempts().getAsInt() : null,
                t.backoff().map(d -> d.toNanos() / 1e9).orElse(null),
                t.backoffMultiplier().isPresent() ? t.backoffMultiplier().getAsDouble() : null,
                t.maxBackoff().map(d -> d.toNanos() / 1e9).orElse(null),
                t.jitter().isPresent() ? t.jitter().getAsDouble() : null,
                t.nonRetryableErrors().orElse(null))));
        return new RetryDefaults(global, byType);
    }

    @Produces
    @Singleton
    IdSource ids(InstantSource clock) {
        return new TimeOrderedIdSource(clock);
    }

    @Produces
    @Singleton
    BotLifecycle botLifecycle(BotRegistry bots, TaskStore tasks, TaskLeases leases, IdSource ids,
            InstantSource clock, BotsConfig config) {
        return new BotLifecycle(bots, tasks, leases, ids, clock, config.staleAfter());
    }

    @Produces
    @Singleton
    ChannelTerms channelTerms(DispatchConfig config) {
        return new ChannelTerms(config.heartbeatInterval(), config.ackTimeout(), config.lease(),
                config.reconnectGrace());
    }

    @Produces
    @Singleton
    RetireBot retireBot(BotLifecycle bots, BotChannel channel) {
        return new RetireBot(bots, channel);
    }

    /** Pushes to bots connected here, and relays to the other replicas for the rest. */
    @Produces
    @Singleton
    BotChannel botChannel(BotSessions sessions, ReplicaBus replicas, BotPresence presence) {
        return new RoutedBotChannel(sessions, replicas, presence);
    }

    /**
     * Which replica holds each bot's connection. An entry lives three heartbeat intervals: one late heartbeat
     * does not lose it, and the entries of a replica that died go soon after.
     */
    @Produces
    @Singleton
    BotPresence botPresence(ReactiveRedisDataSource redis, ReplicaName name, DispatchConfig config) {
        return new RedisBotPresence(redis, name, config.heartbeatInterval().multipliedBy(3));
    }

    /** How many bots each replica holds; an entry is left out three reports after its replica stopped. */
    @Produces
    @Singleton
    ReplicaCensus replicaCensus(ReactiveRedisDataSource redis, ReplicaName name, InstantSource clock) {
        return new RedisReplicaCensus(redis, name, CensusReport.INTERVAL.multipliedBy(3), clock);
    }

    /**
     * The status summary, read at most once a second per replica however many clients poll it or follow it; as
     * many may follow it as may wait on tasks.
     */
    @Produces
    @Singleton
    FleetStatusQuery fleetStatus(Insights insights, ReplicaCensus census, InstantSource clock, WatchConfig config) {
        return new FleetStatusQuery(insights, census, clock, Duration.ofSeconds(1), config.maxWatchers());
    }

    @Produces
    @Singleton
    ExplainTask explainTask(TaskQueries queries, TaskStore tasks, WorkflowStore workflows, Insights insights,
            PolicyStore policies, InstantSource clock) {
        return new ExplainTask(queries, tasks, workflows, insights, policies, clock);
    }

    @Produces
    @Singleton
    DispatchPolicies dispatchPolicies(PolicyStore store, WorkSignal signal, InstantSource clock) {
        return new DispatchPolicies(store, signal, clock);
    }

    @Produces
    @Singleton
    KeyPolicies keyPolicies(PolicyStore store, WorkSignal signal, InstantSource clock) {
        return new KeyPolicies(store, signal, clock);
    }

    @Produces
    @Singleton
    BotConnections botConnections(BotLifecycle bots, ReportTask reports, TaskQueries queries, ExpireAttempts expiry,
            TaskLeases leases, WorkSignal signal, ChannelTerms terms, BotPresence presence, BotHeartbeats heartbeats) {
        return new BotConnections(bots, reports, queries, expiry, leases, signal, terms, presence, heartbeats);
    }

    @Produces
    @Singleton
    BotHeartbeats botHeartbeats(Pool pool, ChannelTerms terms, InstantSource clock, BotsConfig config) {
        return new PgBotHeartbeats(pool, terms, clock, config.heartbeatWindow());
    }

    @Produces
    @Singleton
    WorkflowLifecycle workflowLifecycle(WorkflowStore workflows, TaskStore tasks, UnitOfWork unitOfWork, IdSource ids,
            InstantSource clock, WorkSignal signal, RetryDefaults retryDefaults, TaskTypes types,
            Conditions conditions, Tracing tracing) {
        return new WorkflowLifecycle(workflows, tasks, unitOfWork, ids, clock, signal, retryDefaults, types,
                conditions, tracing);
    }

    @Produces
    @Singleton
    WorkflowWatch workflowWatch(WorkflowStore workflows, TaskStore tasks, WorkflowLifecycle lifecycle,
            WatchConfig config) {
        return new WorkflowWatch(workflows, tasks, lifecycle, config.maxWatchers());
    }

    @Produces
    @Singleton
    CancelWorkflow cancelWorkflow(WorkflowStore workflows, TaskStore tasks, TaskWriter writer, UnitOfWork unitOfWork,
            BotNotices notices, WorkSignal signal, InstantSource clock) {
        return new CancelWorkflow(workflows, tasks, writer, unitOfWork, notices, signal, clock);
    }

    @Produces
    @Singleton
    RepairStalledWorkflows repairStalledWorkflows(WorkflowStore workflows, UnitOfWork unitOfWork, WorkSignal signal,
            InstantSource clock, Conditions conditions) {
        return new RepairStalledWorkflows(workflows, unitOfWork, signal, clock, conditions);
    }
}
