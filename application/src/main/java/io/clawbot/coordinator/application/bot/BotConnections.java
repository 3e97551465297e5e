package io.clawbot.coordinator.application.bot;

import io.clawbot.coordinator.application.task.ExpireAttempts;
import io.clawbot.coordinator.application.task.ReportTask;
import io.clawbot.coordinator.application.task.Reported;
import io.clawbot.coordinator.application.task.TaskQueries;
import io.clawbot.coordinator.application.task.TaskReport;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.task.port.BotHeartbeats;
import io.clawbot.coordinator.domain.bot.port.BotPresence;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskProgress;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;

/**
 * What a connected bot does over its socket: coming and going, heartbeats, its slots, and its reports about the
 * tasks it holds. Every report is fenced by the bot's id and the attempt it names, and takes the same road as a
 * report over HTTP ({@link ReportTask}). Coming, going and heartbeats also keep the bot's presence (which replica
 * holds its connection) up to date.
 */
public final class BotConnections {

    private final BotLifecycle bots;
    private final ReportTask reports;
    private final TaskQueries queries;
    private final ExpireAttempts expiry;
    private final TaskLeases leases;
    private final WorkSignal signal;
    private final ChannelTerms terms;
    private final BotPresence presence;
    private final BotHeartbeats heartbeats;

    /** Connections whose heartbeats each take the registry's read and write. */
    public BotConnections(BotLifecycle bots, ReportTask reports, TaskQueries queries, ExpireAttempts expiry,
            TaskLeases leases, WorkSignal signal, ChannelTerms terms, BotPresence presence) {
        this(bots, reports, queries, expiry, leases, signal, terms, presence, null);
    }

    /** @param heartbeats where the heartbeats of connected bots are written in batches; {@code null}: none */
    public BotConnections(BotLifecycle bots, ReportTask reports, TaskQueries queries, ExpireAttempts expiry,
            TaskLeases leases, WorkSignal signal, ChannelTerms terms, BotPresence presence,
            BotHeartbeats heartbeats) {
        this.heartbeats = heartbeats;
        this.bots = bots;
        this.reports = reports;
        this.queries = queries;
        this.expiry = expiry;
        this.leases = leases;
        this.signal = signal;
        this.terms = terms;
        this.presence = presence;
    }

    public ChannelTerms terms() {
        return terms;
    }

    /** A connected bot and the assignments it had not accepted yet, to be sent to it again. */
    public record Connected(Bot bot, List<Task> unaccepted) {
    }

    /**
     * A bot connected: the leases of what it holds are renewed, and it is online (or busy when what it holds fills
     * its slots). {@code authenticated} is the bot as its token's lookup read it; it saves reading it again. The
     * caller sends the unaccepted assignments again once the session is ready, then calls {@link #ready()}.
     */
    public Uni<Connected> connected(Bot authenticated) {
        BotId botId = authenticated.id();
        return leases.renewHeldLeases(botId).flatMap(held -> bots.connected(authenticated, held.size())
                .map(bot -> new Connected(bot, held.stream().filter(t -> t.status() == TaskStatus.ASSIGNED)
                        .toList())))
                .invoke(() -> presence.here(botId));
    }

    /** A session is ready to take work. */
    public void ready() {
        signal.slotFreedHere();
    }

    /** A bot's connection closed: it is offline and keeps its tasks only for the reconnect grace. */
    public Uni<Void> disconnected(BotId botId) {
        presence.gone(botId);
        return leases.shortenLeases(botId, terms.reconnectGrace())
                .call(() -> bots.disconnected(botId).onFailure(NotFoundException.class).recoverWithNull())
                .replaceWithVoid();
    }

    /** A heartbeat on the socket: the bot stays online and its running tasks' leases are renewed. */
    public Uni<Bot> heartbeat(BotId botId) {
        return heartbeat(botId, null);
    }

    /**
     * A heartbeat that may name the tasks the bot is running. When it does, only those leases are renewed: a task
     * the bot holds but no longer knows (its process restarted) lapses and is retried. When it does not (a bot
     * of the first protocol), every running task's lease is renewed.
     */
    public Uni<Bot> heartbeat(BotId botId, List<TaskLeases.Running> running) {
        return bots.heartbeat(botId).call(() -> running == null
                ? leases.renewRunningLeases(botId)
                : leases.renewRunningLeases(botId, running))
                .invoke(() -> presence.here(botId));
    }

    /**
     * A heartbeat on the socket, as {@link #heartbeat(BotId, List)}, written with the other bots' heartbeats of
     * the moment when there is a batched store; a bot that is offline by then (the stale sweep ran) takes the full
     * path, which brings it back.
     */
    public Uni<Void> beat(BotId botId, List<TaskLeases.Running> running) {
        if (heartbeats == null) {
            return heartbeat(botId, running).replaceWithVoid();
        }
        return heartbeats.beat(botId, running).flatMap(recorded -> recorded
                ? Uni.createFrom().voidItem().invoke(() -> presence.here(botId))
                : heartbeat(botId, running).replaceWithVoid());
    }

    public Uni<Bot> setSlots(BotId botId, int slots) {
        return bots.setSlots(botId, slots).invoke(bot -> signal.slotFreedHere());
    }

    public Uni<Reported> accepted(BotId botId, TaskId taskId, int attempt) {
        return reports.reportFromSocket(new TaskReport.Start(taskId, new Fence(attempt, botId), Actor.bot(botId)));
    }

    /**
     * Progress renews the task's lease and, when the bot says how far it is, keeps that as the task's latest
     * progress; the task must be running on this bot at this attempt. When the store renews nothing, the domain
     * says why.
     *
     * @param progress what the bot reported ({@code percent} 0-100 and {@code message} are checked), or
     *        {@code null}
     */
    public Uni<Task> progress(BotId botId, TaskId taskId, int attempt, Map<String, Object> progress) {
        return Uni.createFrom().item(() -> TaskProgress.validate(progress))
                .flatMap(checked -> leases.renewLease(taskId, attempt, botId, checked))
                .flatMap(renewed -> queries.get(taskId)
                        .map(task -> renewed ? task : task.progress(new Fence(attempt, botId)).orThrow()));
    }

    public Uni<Reported> completed(BotId botId, TaskId taskId, Integer attempt, Map<String, Object> result) {
        return reports.reportFromSocket(new TaskReport.Complete(taskId, new Fence(attempt, botId), Actor.bot(botId),
                result));
    }

    public Uni<Reported> failed(BotId botId, TaskId taskId, Integer attempt, String error, String errorCode) {
        return reports.reportFromSocket(new TaskReport.Fail(taskId, new Fence(attempt, botId), Actor.bot(botId), error,
                errorCode));
    }

    /** How many assignments the bot has not accepted yet. */
    public Uni<Integer> unacceptedCount(BotId botId) {
        return unaccepted(botId).map(List::size);
    }

    /** Returns to pending the assignments a bot has not accepted yet (this replica is going away). */
    public Uni<Integer> releaseUnaccepted(BotId botId) {
        return unaccepted(botId).flatMap(held -> expiry.releaseAssignments(held,
                "assignment released: the coordinator replica holding bot " + botId + "'s connection stopped"));
    }

    private Uni<List<Task>> unaccepted(BotId botId) {
        return queries.list(new TaskQuery(TaskStatus.ASSIGNED, botId, null, null, TaskQuery.Order.CREATED),
                PageRequest.first(PageRequest.MAX_LIMIT));
    }
}
