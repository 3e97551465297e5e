package io.clawbot.coordinator.domain.trigger.port;

import io.clawbot.coordinator.domain.trigger.Trigger;
import io.clawbot.coordinator.domain.trigger.TriggerSecrets;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/** Triggers and their secrets; writes are conditional on the version. */
public interface TriggerStore {

    /** A trigger with its secrets, as the hook needs it. */
    record WithSecrets(Trigger trigger, TriggerSecrets secrets) {
    }

    /** Stores a new trigger; a conflict when the name is taken. */
    Uni<Trigger> create(Trigger trigger, TriggerSecrets secrets);

    /**
     * Replaces the configuration; the signing secrets stay.
     *
     * @param botToken a new bot token; {@code null} keeps the stored one, {@code ""} removes it
     */
    Uni<Trigger> replace(Trigger trigger, long expectedVersion, String botToken);

    /** Sets a new signing secret; the current one stays valid until {@code previousUntil} ({@code null}: not). */
    Uni<Trigger> rotate(String name, String secret, Instant previousUntil);

    /** The trigger, or {@code null}. */
    Uni<Trigger> find(String name);

    /** The trigger with its secrets, or {@code null}. */
    Uni<WithSecrets> findWithSecrets(String name);

    Uni<List<Trigger>> list();

    Uni<Boolean> delete(String name);
}
