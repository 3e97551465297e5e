package io.clawbot.coordinator.botclient;

/**
 * What the coordinator said in its {@code connected} frame, the first frame of every session.
 *
 * @param botId
 *            the id of the bot the token belongs to
 * @param protocolVersion
 *            the protocol version the coordinator speaks
 * @param heartbeatIntervalSeconds
 *            how often the coordinator expects a {@code heartbeat}
 * @param ackTimeoutSeconds
 *            how long the coordinator waits for {@code task_accepted} after an assignment
 * @param leaseSeconds
 *            how long a running task's lease lasts without {@code task_progress}
 * @param slots
 *            how many tasks the coordinator will give this bot at once; {@link BotClient#connectedInfo()}
 *            updates it when a {@code slots_ack} arrives
 */
public record ConnectedInfo(String botId, int protocolVersion, int heartbeatIntervalSeconds, int ackTimeoutSeconds,
        int leaseSeconds, int slots) {

    /** The same information with the coordinator's new view of this bot's slots. */
    public ConnectedInfo withSlots(int newSlots) {
        return new ConnectedInfo(botId, protocolVersion, heartbeatIntervalSeconds, ackTimeoutSeconds, leaseSeconds,
                newSlots);
    }
}
