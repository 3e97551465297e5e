package io.clawbot.coordinator.domain.access.port;

import io.clawbot.coordinator.domain.access.AuditEntry;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** The audit trail: entries are appended, never changed. */
public interface AuditLog {

    Uni<Void> append(AuditEntry entry);

    /**
     * Entries, newest first.
     *
     * @param actor only this actor's; {@code null} for all
     * @param action only this action; {@code null} for all
     */
    Uni<List<AuditEntry>> list(String actor, String action, PageRequest page);
}
