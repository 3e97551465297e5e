package io.clawbot.coordinator.domain.bot;

import java.time.Duration;
import java.util.Objects;

/**
 * The timing contract between the coordinator and its bots, announced to each bot when it connects.
 *
 * @param heartbeatInterval how often a bot should send a heartbeat
 * @param ackTimeout how long an assignment waits for {@code task_accepted} before the task is offered again
 * @param lease how long a running task stays with its bot without progress or heartbeat
 * @param reconnectGrace how long a disconnected bot keeps its tasks before they are offered again
 */
public record ChannelTerms(Duration heartbeatInterval, Duration ackTimeout, Duration lease, Duration reconnectGrace) {

    public ChannelTerms {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(reconnectGrace, "reconnectGrace");
    }
}
