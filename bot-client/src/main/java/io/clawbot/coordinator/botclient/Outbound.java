package io.clawbot.coordinator.botclient;

import java.util.concurrent.CompletableFuture;

/** A frame on its way out. */
final class Outbound {
    final String text;
    /** The attempt this {@code task_complete} reports on; null for other frames. */
    final TaskKey completionOf;
    /** Dropped rather than kept when its session ends. */
    final boolean droppable;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Handed to a socket at least once since last queued. Guarded by the client's lock. */
    boolean written;

    Outbound(String text, TaskKey completionOf, boolean droppable) {
        this.text = text;
        this.completionOf = completionOf;
        this.droppable = droppable;
    }
}
