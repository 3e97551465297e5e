package io.clawbot.coordinator.domain.bot;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Refusal;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.BotId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A registered worker. Status moves offline -> online (a heartbeat) -> busy (working) and back; a bot whose
 * last heartbeat is older than the staleness limit is not offered work even while its stored status says
 * online.
 *
 * @param slots how many tasks the bot runs at once; it is busy while it holds that many
 * @param version optimistic-lock counter, raised by every write
 */
public record Bot(
        BotId id,
        String name,
        List<String> capabilities,
        BotStatus status,
        Map<String, Object> metadata,
        Instant lastHeartbeatAt,
        Instant createdAt,
        Instant updatedAt,
        int slots,
        long version) {

    public static final int MIN_SLOTS = 1;
    public static final int MAX_SLOTS = 256;

    public Bot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        capabilities = List.copyOf(capabilities);
        metadata = JsonObjects.copyOf(metadata);
        if (slots < MIN_SLOTS || slots > MAX_SLOTS) {
            throw new ValidationException("slots", "must be between " + MIN_SLOTS + " and " + MAX_SLOTS);
        }
    }

    /** A bot as registration creates it: offline until its first heartbeat. */
    public static Bot register(BotId id, String name, List<String> capabilities, Map<String, Object> metadata,
            Instant now) {
        return new Bot(id, name, capabilities, BotStatus.OFFLINE, metadata, null, now, now, MIN_SLOTS, 0);
    }

    public boolean hasCapability(String capability) {
        return capability == null || capabilities.contains(capability);
    }

    /** Whether the bot's last sign of life is older than {@code staleAfter} at {@code now}. */
    public boolean isStale(Instant now, Duration staleAfter) {
        return lastHeartbeatAt == null || lastHeartbeatAt.plus(staleAfter).isBefore(now);
    }

    /** Ready for new work: online and not stale. */
    public boolean isAvailable(Instant now, Duration staleAfter) {
        return status == BotStatus.ONLINE && !isStale(now, staleAfter);
    }

    /** A heartbeat brings an offline bot online; a busy bot stays busy. */
    public Bot heartbeat(Instant now) {
        BotStatus next = status == BotStatus.OFFLINE ? BotStatus.ONLINE : status;
        return new Bot(id, name, capabilities, next, metadata, now, createdAt, now, slots, version);
    }

    /** Online -> busy; busy again is an idempotent repeat; an offline bot cannot be busy. */
    public Transition<Bot> markBusy(Instant now) {
        return switch (status) {
            case BUSY -> Transition.unchanged(this);
            case ONLINE -> Transition.changed(withStatus(BotStatus.BUSY, now));
            case OFFLINE ->
                Transition.rejected(Refusal.BOT_OFFLINE,
                        "Bot " + id + " is offline; it must send a heartbeat before it can be busy");
        };
    }

    /** Busy -> online (a repeat is idempotent); an offline bot becomes available only through a heartbeat. */
    public Transition<Bot> markAvailable(Instant now) {
        return switch (status) {
            case ONLINE -> Transition.unchanged(this);
            case BUSY -> Transition.changed(withStatus(BotStatus.ONLINE, now));
            case OFFLINE -> Transition.rejected(Refusal.BOT_OFFLINE,
                    "Bot " + id + " is offline; it must send a heartbeat before it can be available");
        };
    }

    /**
     * After taking a task: an online bot that now holds as many tasks as it has slots is busy; an offline or
     * busy bot keeps its status.
     */
    public Bot tookTask(long heldAfter, Instant now) {
        return status == BotStatus.ONLINE && heldAfter >= slots ? withStatus(BotStatus.BUSY, now) : this;
    }

    /** After a task ends: a busy bot with a free slot again is online. */
    public Bot releasedTask(long heldAfter, Instant now) {
        return status == BotStatus.BUSY && heldAfter < slots ? withStatus(BotStatus.ONLINE, now) : this;
    }

    /** The bot's new number of slots; its status follows from the tasks it holds. */
    public Bot withSlots(int nextSlots, long held, Instant now) {
        Bot resized = new Bot(id, name, capabilities, status, metadata, lastHeartbeatAt, createdAt, now, nextSlots,
                version);
        return status == BotStatus.OFFLINE
                ? resized
                : resized.withStatus(held >= nextSlots ? BotStatus.BUSY : BotStatus.ONLINE, now);
    }

    /** The connection is gone: the bot is offline until it comes back. */
    public Bot disconnected(Instant now) {
        return status == BotStatus.OFFLINE ? this : withStatus(BotStatus.OFFLINE, now);
    }

    private Bot withStatus(BotStatus next, Instant now) {
        if (next == status) {
            return this;
        }
        return new Bot(id, name, capabilities, next, metadata, lastHeartbeatAt, createdAt, now, slots, version);
    }
}
