package io.clawbot.coordinator.domain.common;

import java.time.Instant;

/**
 * Something that happened in the core, recorded durably with the state change that caused it. Each aggregate
 * keeps its events in its own package (sealing across packages would need the domain to be a named module).
 */
public interface DomainEvent {

    Instant occurredAt();
}
