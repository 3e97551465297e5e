package io.clawbot.coordinator.domain.lifecycle.port;

import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.smallrye.mutiny.Uni;

/** Writes one lifecycle step, everything it changes, in one transaction. */
public interface UnitOfWork {

    /**
     * Writes the tasks, their history, the bots and the workflows of one lifecycle step in a single transaction.
     * Each write is conditional on its expected version; if any is stale nothing is written and the result fails
     * with {@code ConflictException.concurrentModification}. When the changes carry a {@link TaskChanges.Follow},
     * the transaction first takes the workflow's lock, reads it and its steps, and writes what the rule decides
     * along with the rest (nothing follows for a workflow that no longer exists).
     *
     * @return everything written, what the follow added included
     */
    Uni<TaskChanges> apply(TaskChanges changes);
}
