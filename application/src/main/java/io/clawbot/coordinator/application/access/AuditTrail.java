package io.clawbot.coordinator.application.access;

import io.clawbot.coordinator.domain.access.AuditEntry;
import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.access.port.AuditLog;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.smallrye.mutiny.Uni;
import java.time.InstantSource;
import java.util.List;

/** Who did what, kept for admins: every change an admin or operator makes to keys, bots and the work. */
public final class AuditTrail {

    private final AuditLog log;
    private final InstantSource clock;

    public AuditTrail(AuditLog log, InstantSource clock) {
        this.log = log;
        this.clock = clock;
    }

    /** Records an action that has happened. */
    public Uni<Void> record(Principal by, String action, Object target, String source) {
        return log.append(new AuditEntry(0, clock.instant(), by.actor().value(), action,
                target == null ? null : target.toString(), source));
    }

    public Uni<List<AuditEntry>> list(String actor, String action, PageRequest page) {
        return log.list(actor, action, page);
    }
}
