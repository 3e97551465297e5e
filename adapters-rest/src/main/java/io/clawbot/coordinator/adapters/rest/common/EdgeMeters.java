package io.clawbot.coordinator.adapters.rest.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What the HTTP edge of this replica refused or took, as counters (docs/metrics.md): requests over a rate limit
 * by scope, and hook deliveries by source and outcome.
 */
@ApplicationScoped
public class EdgeMeters {

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public EdgeMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A request refused with 429: {@code scope} is {@code address}, {@code key}, {@code bot} or {@code trigger}. */
    public void rateLimited(String scope) {
        counters.computeIfAbsent("rl\0" + scope, k -> Counter.builder("clawbot.rate_limited")
                .description("Requests refused with 429 for being over a rate limit, by the limit's scope")
                .tag("scope", scope).register(registry)).increment();
    }

    /**
     * A hook delivery answered: {@code outcome} is {@code accepted}, {@code duplicate}, {@code filtered},
     * {@code rejected}, or the problem it was refused with ({@code unauthorized}, {@code not-found},
     * {@code rate-limited}, ...).
     */
    public void hookDelivery(String source, String outcome) {
        counters.computeIfAbsent("hook\0" + source + '\0' + outcome, k -> Counter.builder("clawbot.hook.deliveries")
                .description("Hook deliveries answered, by source and outcome").tag("source", source)
                .tag("outcome", outcome).register(registry)).increment();
    }
}
