package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotQuery;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Bots in memory with the port's contract: unique names, at most one current token hash per bot (and per
 * hash), writes conditional on the version, and heartbeats stamped (and staleness judged) with the store's
 * own clock.
 */
public final class FakeBotRegistry implements BotRegistry {

    private final InMemoryDatabase db;

    public FakeBotRegistry(InMemoryDatabase db) {
        this.db = db;
    }

    @Override
    public Uni<Bot> register(Bot bot, String tokenHash) {
        Objects.requireNonNull(tokenHash, "tokenHash");
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                if (db.bots.values().stream().anyMatch(b -> b.name().equals(bot.name()))) {
                    throw new ConflictException("bot-name-taken",
                            "A bot named '" + bot.name() + "' is already registered");
                }
                if (db.bots.containsKey(bot.id())) {
                    throw new IllegalStateException("duplicate bot id " + bot.id());
                }
                checkUniqueHash(bot.id(), tokenHash);
                db.bots.put(bot.id(), bot);
                db.tokenHashes.put(bot.id(), tokenHash);
                return bot;
            }
        });
    }

    @Override
    public Uni<Bot> findByTokenHash(String tokenHash) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                return db.tokenHashes.entrySet().stream()
                        .filter(e -> e.getValue().equals(tokenHash))
                        .map(e -> db.bots.get(e.getKey()))
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(null);
            }
        });
    }

    @Override
    public Uni<Boolean> replaceTokenHash(BotId id, String tokenHash) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                if (!db.bots.containsKey(id)) {
                    return false;
                }
                if (tokenHash == null) {
                    db.tokenHashes.remove(id);
                } else {
                    checkUniqueHash(id, tokenHash);
                    db.tokenHashes.put(id, tokenHash);
                }
                return true;
            }
        });
    }

    /** The unique index on {@code token_hash}: a collision would mean a broken random source. */
    private void checkUniqueHash(BotId owner, String tokenHash) {
        for (Map.Entry<BotId, String> e : db.tokenHashes.entrySet()) {
            if (!e.getKey().equals(owner) && e.getValue().equals(tokenHash)) {
                throw new IllegalStateException("duplicate token hash for bots " + owner + " and " + e.getKey());
            }
        }
    }

    @Override
    public Uni<Bot> findById(BotId id) {
        return Uni.createFrom().item(() -> db.bot(id));
    }

    @Override
    public Uni<List<Bot>> list(BotQuery query, Duration staleAfter, PageRequest page) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant now = db.clock.instant();
                return db.bots.values().stream()
                        .filter(b -> query.capability() == null || b.capabilities().contains(query.capability()))
                        .filter(b -> query.status() == null || b.status() == query.status())
                        .filter(b -> !query.availableOnly() || (b.status() == BotStatus.ONLINE
                                && b.lastHeartbeatAt() != null && b.lastHeartbeatAt().isAfter(now.minus(staleAfter))))
                        .sorted(Comparator.comparing(Bot::createdAt).thenComparing(b -> b.id().value()))
                        .skip(page.offset())
                        .limit(page.limit())
                        .toList();
            }
        });
    }

    @Override
    public Uni<Bot> recordHeartbeat(Bot bot, long expectedVersion) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Bot stored = current(bot.id(), expectedVersion);
                Instant now = db.clock.instant();
                return save(new Bot(stored.id(), stored.name(), stored.capabilities(), bot.status(),
                        stored.metadata(), now, stored.createdAt(), now, stored.slots(), stored.version() + 1));
            }
        });
    }

    @Override
    public Uni<Bot> updateStatus(Bot bot, long expectedVersion) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Bot stored = current(bot.id(), expectedVersion);
                return save(new Bot(stored.id(), stored.name(), stored.capabilities(), bot.status(),
                        stored.metadata(), stored.lastHeartbeatAt(), stored.createdAt(), db.clock.instant(),
                        bot.slots(), stored.version() + 1));
            }
        });
    }

    @Override
    public Uni<List<BotId>> markStale(Duration staleAfter) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant now = db.clock.instant();
                List<BotId> marked = new ArrayList<>();
                for (Bot b : List.copyOf(db.bots.values())) {
                    if (b.status() != BotStatus.OFFLINE && b.lastHeartbeatAt() != null
                            && b.lastHeartbeatAt().isBefore(now.minus(staleAfter))) {
                        save(new Bot(b.id(), b.name(), b.capabilities(), BotStatus.OFFLINE, b.metadata(),
                                b.lastHeartbeatAt(), b.createdAt(), now, b.slots(), b.version() + 1));
                        marked.add(b.id());
                    }
                }
                return marked;
            }
        });
    }

    @Override
    public Uni<Boolean> delete(BotId id) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                if (!db.bots.containsKey(id)) {
                    return false;
                }
                long held = db.tasks.values().stream()
                        .filter(t -> id.equals(t.botId()) && t.status().isHeldByBot()).count();
                if (held > 0) {
                    throw new io.clawbot.coordinator.domain.common.ConflictException("bot-has-tasks",
                            "Bot " + id + " holds " + held + " assigned or running task(s); cancel them first");
                }
                db.tokenHashes.remove(id);
                return db.bots.remove(id) != null;
            }
        });
    }

    private Bot current(BotId id, long expectedVersion) {
        Bot stored = db.bots.get(id);
        if (stored == null || stored.version() != expectedVersion) {
            throw ConflictException.concurrentModification("Bot " + id);
        }
        return stored;
    }

    private Bot save(Bot bot) {
        db.bots.put(bot.id(), bot);
        return bot;
    }
}
