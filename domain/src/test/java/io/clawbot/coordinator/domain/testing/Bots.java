package io.clawbot.coordinator.domain.testing;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.id.BotId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds bots in any state without repeating the record's long constructor. */
public final class Bots {

    private BotId id = Ids.botId();
    private String name = "bot-" + id.value().getLeastSignificantBits();
    private List<String> capabilities = List.of();
    private BotStatus status = BotStatus.OFFLINE;
    private Instant lastHeartbeatAt;
    private Instant createdAt = Times.T0;
    private Instant updatedAt = Times.T0;
    private int slots = 1;
    private long version;

    private Bots() {
    }

    /** An offline bot without capabilities that never sent a heartbeat. */
    public static Bots aBot() {
        return new Bots();
    }

    public Bots id(BotId value) {
        this.id = value;
        return this;
    }

    public Bots named(String value) {
        this.name = value;
        return this;
    }

    public Bots withCapabilities(String... values) {
        this.capabilities = List.of(values);
        return this;
    }

    public Bots offline() {
        this.status = BotStatus.OFFLINE;
        return this;
    }

    /** Online with a heartbeat at {@code at}. */
    public Bots online(Instant at) {
        this.status = BotStatus.ONLINE;
        this.lastHeartbeatAt = at;
        return this;
    }

    /** Busy with a heartbeat at {@code at}. */
    public Bots busy(Instant at) {
        this.status = BotStatus.BUSY;
        this.lastHeartbeatAt = at;
        return this;
    }

    /** In {@code value} status with a heartbeat at {@code at}. */
    public Bots status(BotStatus value, Instant at) {
        this.status = value;
        this.lastHeartbeatAt = at;
        return this;
    }

    public Bots lastHeartbeatAt(Instant value) {
        this.lastHeartbeatAt = value;
        return this;
    }

    /** How many tasks the bot runs at once; 1 unless set. */
    public Bots slots(int value) {
        this.slots = value;
        return this;
    }

    public Bots version(long value) {
        this.version = value;
        return this;
    }

    public Bot build() {
        return new Bot(id, name, capabilities, status, Map.of("zone", "test"), lastHeartbeatAt, createdAt, updatedAt,
                slots, version);
    }
}
