package io.clawbot.coordinator.domain.access;

import java.time.Instant;
import java.util.Objects;

/**
 * One administrative action, as the audit trail keeps it: who did what to which object, when and from where.
 *
 * @param id assigned by the store, in the order entries were written; 0 before
 * @param actor {@code key:<name>} (or {@code bot:<id>})
 * @param action a stable name such as {@code task.cancel} or {@code key.revoke}
 * @param target the object acted on: an id, or a name
 * @param source the caller's network address as the service saw it; {@code null} when unknown
 */
public record AuditEntry(long id, Instant at, String actor, String action, String target, String source) {

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
    }
}
