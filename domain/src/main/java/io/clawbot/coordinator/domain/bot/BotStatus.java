package io.clawbot.coordinator.domain.bot;

/** Where a bot stands: not reachable, ready for work, or working at capacity. */
public enum BotStatus {
    OFFLINE, ONLINE, BUSY;

    /** The lower-case name used on the wire and in the database. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static BotStatus fromWire(String value) {
        for (BotStatus s : values()) {
            if (s.wire().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown bot status: " + value);
    }
}
