package io.clawbot.coordinator.application.access;

import io.clawbot.coordinator.domain.access.Role;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.Instant;
import java.util.List;

/**
 * What an admin asks for when creating a key.
 *
 * @param taskTypes for a submitter, the only task types it may create; empty or {@code null}: any
 * @param expiresAt optional; must lie in the future
 */
public record NewKey(String name, Role role, List<String> taskTypes, Instant expiresAt) {

    public NewKey {
        if (role == null) {
            throw new ValidationException("role", "is required: admin, operator, submitter or reader");
        }
        taskTypes = taskTypes == null ? List.of() : List.copyOf(taskTypes);
    }
}
