package io.clawbot.coordinator.domain.bot.port;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotQuery;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;

/** Durable store of registered bots. Writes are conditional on {@link Bot#version()} (optimistic locking). */
public interface BotRegistry {

    /**
     * Stores a newly registered bot with the hash of its token.
     *
     * @return the stored bot; fails with a {@code ConflictException} when the name is taken
     */
    Uni<Bot> register(Bot bot, String tokenHash);

    /** The bot whose current token has this hash, or {@code null}. */
    Uni<Bot> findByTokenHash(String tokenHash);

    /**
     * Replaces the bot's token hash; {@code null} revokes it.
     *
     * @return {@code false} when there is no such bot
     */
    Uni<Boolean> replaceTokenHash(BotId id, String tokenHash);

    /** The bot, or {@code null} when none has this id. */
    Uni<Bot> findById(BotId id);

    /**
     * Bots matching the query, oldest registration first. Availability (online and a heartbeat within
     * {@code staleAfter}) is judged by the store's clock, the same one that stamps heartbeats.
     */
    Uni<List<Bot>> list(BotQuery query, Duration staleAfter, PageRequest page);

    /**
     * Writes the bot's status after a heartbeat and stamps the heartbeat with the store's clock.
     *
     * @return the stored bot; fails with a {@code ConflictException} when {@code expectedVersion} is stale
     */
    Uni<Bot> recordHeartbeat(Bot bot, long expectedVersion);

    /**
     * Writes a status or slots change.
     *
     * @return the stored bot; fails with a {@code ConflictException} when {@code expectedVersion} is stale
     */
    Uni<Bot> updateStatus(Bot bot, long expectedVersion);

    /**
     * Marks offline, in one statement, the online or busy bots whose last heartbeat is older than
     * {@code staleAfter} by the store's clock. Bots that never sent a heartbeat are left as they are.
     *
     * @return the bots it marked
     */
    Uni<List<BotId>> markStale(Duration staleAfter);

    /**
     * Removes the bot unless it holds a task; the check and the removal are one step that no claim of a task for
     * the bot can come between.
     *
     * @return {@code false} when there was none; fails with a {@code ConflictException} when it holds a task
     */
    Uni<Boolean> delete(BotId id);
}
