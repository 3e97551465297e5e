package io.clawbot.coordinator.domain.tasktype.port;

import io.clawbot.coordinator.domain.tasktype.TaskType;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** The registered task types. */
public interface TaskTypeStore {

    /** Stores a new type; fails with a {@code ConflictException} when the name is taken. */
    Uni<TaskType> create(TaskType type);

    /**
     * Replaces a type if it is still at {@code expectedVersion}; fails with a {@code ConflictException} otherwise.
     */
    Uni<TaskType> replace(TaskType type, long expectedVersion);

    /** The type, or {@code null}. */
    Uni<TaskType> find(String name);

    /** Every type, by name. */
    Uni<List<TaskType>> list();

    /** Deletes the type; whether there was one. */
    Uni<Boolean> delete(String name);
}
