package io.clawbot.coordinator.domain.access;

import io.clawbot.coordinator.domain.common.ForbiddenException;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.KeyId;
import io.clawbot.coordinator.domain.task.Actor;
import java.util.List;
import java.util.Objects;

/**
 * Who is calling, as the edge authenticated it: a client with an API key, or a bot with its own token. Use cases
 * take it to decide what the caller may see and change, and to record who acted.
 */
public sealed interface Principal {

    /** How the caller appears in a task's history and in the audit trail. */
    Actor actor();

    /**
     * A client holding an API key.
     *
     * @param taskTypes for a {@code submitter}, the only task types it may create; empty means any
     */
    record Client(KeyId keyId, String name, Role role, List<String> taskTypes) implements Principal {

        public Client {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            taskTypes = taskTypes == null ? List.of() : List.copyOf(taskTypes);
        }

        @Override
        public Actor actor() {
            return Actor.key(name);
        }

        /** Whether this client may create a task of this type; a client limited to types creates no untyped task. */
        public boolean mayCreate(String type) {
            return taskTypes.isEmpty() || type != null && taskTypes.contains(type);
        }

        /** Refuses a task type outside this client's list. */
        public void checkMayCreate(String type, String field) {
            if (!mayCreate(type)) {
                throw new ForbiddenException("task-type-not-allowed", "The key '" + name + "' may not create "
                        + (type == null ? "tasks without a type" : "tasks of type '" + type + "'") + " (" + field
                        + "); it may create: " + String.join(", ", taskTypes));
            }
        }

        /** The owner this client's reads are confined to, or {@code null} when it reads all work. */
        public KeyId readScope() {
            return role.readsAll() ? null : keyId;
        }
    }

    /** A bot, authenticated with its own token. */
    record Bot(BotId botId) implements Principal {

        public Bot {
            Objects.requireNonNull(botId, "botId");
        }

        @Override
        public Actor actor() {
            return Actor.bot(botId);
        }
    }
}
