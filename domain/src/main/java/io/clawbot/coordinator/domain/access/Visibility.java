package io.clawbot.coordinator.domain.access;

import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.id.KeyId;

/**
 * What a caller confined to its own work may see: the work its key created. Anything else is answered as if it
 * did not exist, so that ids cannot be probed.
 */
public final class Visibility {

    private Visibility() {
    }

    /**
     * @param scope the key a caller's reads are confined to, or {@code null} for a caller who reads all work
     * @throws NotFoundException when the work is outside the caller's scope
     */
    public static void check(KeyId scope, KeyId owner, String what, Object id) {
        if (scope != null && !scope.equals(owner)) {
            throw new NotFoundException(what, id);
        }
    }
}
