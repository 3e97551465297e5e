package io.clawbot.coordinator.bootstrap.access;

import io.clawbot.coordinator.application.access.ApiKeys;
import io.clawbot.coordinator.application.access.AuditTrail;
import io.clawbot.coordinator.application.access.Callers;
import io.clawbot.coordinator.application.access.FirstKey;
import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.domain.access.port.ApiKeyStore;
import io.clawbot.coordinator.domain.access.port.AuditLog;
import io.clawbot.coordinator.domain.common.port.IdSource;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.InstantSource;

/** The access-control use cases as beans. */
public class AccessWiring {

    @Produces
    @Singleton
    ApiKeys apiKeys(ApiKeyStore keys, IdSource ids, InstantSource clock) {
        return new ApiKeys(keys, ids, clock);
    }

    @Produces
    @Singleton
    FirstKey firstKey(ApiKeyStore keys, IdSource ids, InstantSource clock) {
        return new FirstKey(keys, ids, clock);
    }

    @Produces
    @Singleton
    AuditTrail auditTrail(AuditLog log, InstantSource clock) {
        return new AuditTrail(log, clock);
    }

    @Produces
    @Singleton
    Callers callers(ApiKeys keys, BotLifecycle bots) {
        return new Callers(keys, bots);
    }
}
