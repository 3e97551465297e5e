package io.clawbot.coordinator.application.bot;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotQuery;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/** Registering bots, their heartbeats and status, and removing them. */
public final class BotLifecycle {

    /** The shortest time between two recorded heartbeats of an online bot. */
    public static final Duration HEARTBEAT_GAP = Duration.ofSeconds(1);

    private final BotRegistry bots;
    private final TaskStore tasks;
    private final TaskLeases leases;
    private final IdSource ids;
    private final InstantSource clock;
    private final Duration staleAfter;

    /**
     * @param staleAfter how long after its last heartbeat a bot stops counting as available
     */
    public BotLifecycle(BotRegistry bots, TaskStore tasks, TaskLeases leases, IdSource ids, InstantSource clock,
            Duration staleAfter) {
        this.leases = leases;
        this.bots = bots;
        this.tasks = tasks;
        this.ids = ids;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    /** Registers a bot and issues its first token. */
    public Uni<RegisteredBot> register(RegisterBotCommand command) {
        Bot bot = Bot.register(new BotId(ids.next()), command.name(), command.capabilities(), command.metadata(),
                clock.instant());
        String token = BotTokens.newToken();
        return bots.register(bot, BotTokens.hash(token)).map(stored -> new RegisteredBot(stored, token));
    }

    /** The bot this token belongs to, or {@code null} for an unknown or revoked token. */
    public Uni<Bot> authenticate(String token) {
        if (token == null || !token.startsWith(BotTokens.PREFIX) || token.length() > 200) {
            return Uni.createFrom().nullItem();
        }
        return bots.findByTokenHash(BotTokens.hash(token));
    }

    /** Issues a new token; the previous one stops working at once. */
    public Uni<String> rotateToken(BotId id) {
        String token = BotTokens.newToken();
        return bots.replaceTokenHash(id, BotTokens.hash(token)).flatMap(found -> found
                ? Uni.createFrom().item(token)
                : Uni.createFrom().failure(new NotFoundException("bot", id)));
    }

    /** Revokes the bot's token: it cannot connect until a new one is issued. */
    public Uni<Void> revokeToken(BotId id) {
        return bots.replaceTokenHash(id, null).flatMap(found -> found
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new NotFoundException("bot", id)));
    }

    /** Sets how many tasks the bot runs at once; its status follows from what it holds. */
    public Uni<Bot> setSlots(BotId id, int slots) {
        if (slots < Bot.MIN_SLOTS || slots > Bot.MAX_SLOTS) {
            return Uni.createFrom().failure(new ValidationException("slots",
                    "must be between " + Bot.MIN_SLOTS + " and " + Bot.MAX_SLOTS));
        }
        return ConcurrentRetry.run(() -> get(id).flatMap(bot -> tasks.countHeldBy(id).flatMap(held -> {
            Bot next = bot.withSlots(slots, held, clock.instant());
            return next.equals(bot) ? Uni.createFrom().item(bot) : bots.updateStatus(next, bot.version());
        })));
    }

    /** The bot's connection is gone: it is offline until it comes back. */
    public Uni<Bot> disconnected(BotId id) {
        return ConcurrentRetry.run(() -> get(id).flatMap(bot -> {
            Bot next = bot.disconnected(clock.instant());
            return next == bot ? Uni.createFrom().item(bot) : bots.updateStatus(next, bot.version());
        }));
    }

    public Uni<Bot> get(BotId id) {
        return bots.findById(id).onItem().ifNull().failWith(() -> new NotFoundException("bot", id));
    }

    public Uni<List<Bot>> list(BotQuery query, PageRequest page) {
        return bots.list(query, staleAfter, page);
    }

    /**
     * Marks offline the bots whose last heartbeat is older than the staleness limit. Their tasks' leases lapse at
     * once, so the lease sweep ends those attempts by each task's retry policy.
     *
     * @return how many bots went offline
     */
    public Uni<Integer> markStaleOffline() {
        return bots.markStale(staleAfter).flatMap(stale -> {
            if (stale.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Uni<Void>> lapses = new java.util.ArrayList<>(stale.size());
            stale.forEach(id -> lapses.add(leases.shortenLeases(id, Duration.ZERO)));
            return Uni.join().all(lapses).andCollectFailures().replaceWith(stale.size());
        });
    }

    /** Records a heartbeat; an offline bot comes back online, or busy when its slots are still full. */
    /**
     * Records a heartbeat. One within {@link #HEARTBEAT_GAP} of the last recorded one from an online bot changes
     * nothing: a client that sends them in a loop costs a read, not a write, each time.
     */
    public Uni<Bot> heartbeat(BotId id) {
        return ConcurrentRetry.run(() -> get(id).flatMap(bot -> beat(bot, () -> tasks.countHeldBy(id))));
    }

    /**
     * A bot's session opened, holding {@code held} tasks (read just before): recorded as a heartbeat, so an
     * offline bot comes back online, or busy when those tasks fill its slots. The decision is first taken on
     * {@code seen}, the bot as authentication read it a moment ago, which costs a single write; when the bot
     * changed since (the write loses its race), it is taken again on a fresh read, as {@link #heartbeat(BotId)}
     * does.
     */
    public Uni<Bot> connected(Bot seen, long held) {
        return beat(seen, () -> Uni.createFrom().item(held)).onFailure(ConcurrentRetry::isLostRace)
                .recoverWithUni(() -> heartbeat(seen.id()));
    }

    /**
     * The heartbeat decided on {@code bot} as read: nothing within {@link #HEARTBEAT_GAP} of the last one from an
     * online bot; otherwise a compare-and-set write, with an offline bot's status following what it holds.
     */
    private Uni<Bot> beat(Bot bot, java.util.function.Supplier<Uni<Long>> held) {
        Instant now = clock.instant();
        if (bot.status() != BotStatus.OFFLINE && bot.lastHeartbeatAt() != null
                && bot.lastHeartbeatAt().plus(HEARTBEAT_GAP).isAfter(now)) {
            return Uni.createFrom().item(bot);
        }
        Uni<Bot> next = bot.status() == BotStatus.OFFLINE
                ? held.get().map(count -> bot.heartbeat(now).tookTask(count, now))
                : Uni.createFrom().item(bot.heartbeat(now));
        return next.flatMap(beat -> bots.recordHeartbeat(beat, bot.version()));
    }

    public Uni<Bot> markBusy(BotId id) {
        return ConcurrentRetry.run(() -> get(id).flatMap(bot -> {
            Bot next = bot.markBusy(clock.instant()).orThrow();
            return next == bot ? Uni.createFrom().item(bot) : bots.updateStatus(next, bot.version());
        }));
    }

    public Uni<Bot> markAvailable(BotId id) {
        return ConcurrentRetry.run(() -> get(id).flatMap(bot -> {
            Bot next = bot.markAvailable(clock.instant()).orThrow();
            return next == bot ? Uni.createFrom().item(bot) : bots.updateStatus(next, bot.version());
        }));
    }

    /** Deletes a bot that holds no task; a bot with work in hand must finish or have it cancelled first. */
    public Uni<Void> delete(BotId id) {
        return get(id).flatMap(bot -> tasks.countHeldBy(id)).flatMap(held -> {
            if (held > 0) {
                return Uni.createFrom().failure(new ConflictException("bot-has-tasks",
                        "Bot " + id + " holds " + held + " assigned or running task(s); cancel them first"));
            }
            return bots.delete(id).replaceWithVoid();
        });
    }
}
