package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.dispatch.port.BotChannel;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells bots to drop tasks that were taken from them. The change is durable before the notice goes: a notice that
 * is lost only means the bot learns it when its next report about the task is refused.
 */
public final class BotNotices {

    private final BotChannel channel;

    public BotNotices(BotChannel channel) {
        this.channel = channel;
    }

    /** Tells the bot that held {@code held} (as it was before it ended or was taken back) to stop working on it. */
    public Uni<Boolean> dropped(Task held, String reason) {
        return channel.pushCancel(held, reason).onFailure().recoverWithItem(false);
    }

    /** {@link #dropped(Task, String)} for each of {@code held}. */
    public Uni<Void> dropped(List<Task> held, String reason) {
        if (held.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Boolean>> pushes = new ArrayList<>(held.size());
        held.forEach(task -> pushes.add(dropped(task, reason)));
        return Uni.join().all(pushes).andCollectFailures().replaceWithVoid();
    }
}
