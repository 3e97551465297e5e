package io.clawbot.coordinator.adapters.persistence.postgres;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Panache access to {@link BotEntity}; used only by {@link PgBotRegistry}. */
@ApplicationScoped
class BotEntityRepository implements PanacheRepositoryBase<BotEntity, UUID> {
}
