package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.domain.common.port.IdSource;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.UUID;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. New rows land at the right edge
 * of the primary-key index instead of all over it, and ids sort roughly by creation.
 */
public final class TimeOrderedIdSource implements IdSource {

    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();

    public TimeOrderedIdSource(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public UUID next() {
        long millis = clock.millis();
        long randA = random.nextInt(1 << 12);
        long msb = (millis << 16) | (0x7L << 12) | randA;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
