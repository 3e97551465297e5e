package io.clawbot.coordinator.domain.common.port;

import java.util.UUID;

/** Makes new identities. Time-ordered ids keep the primary-key index compact; tests can make them predictable. */
public interface IdSource {

    UUID next();
}
