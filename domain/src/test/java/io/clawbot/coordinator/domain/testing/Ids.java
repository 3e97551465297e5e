package io.clawbot.coordinator.domain.testing;

import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Readable, distinct ids for test data. */
public final class Ids {

    private static final AtomicLong NEXT = new AtomicLong(1);

    private Ids() {
    }

    public static TaskId taskId() {
        return new TaskId(new UUID(0x7a5c, NEXT.getAndIncrement()));
    }

    public static BotId botId() {
        return new BotId(new UUID(0xb07, NEXT.getAndIncrement()));
    }

    public static WorkflowId workflowId() {
        return new WorkflowId(new UUID(0xf10, NEXT.getAndIncrement()));
    }
}
