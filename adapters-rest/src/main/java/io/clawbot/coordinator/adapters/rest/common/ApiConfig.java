package io.clawbot.coordinator.adapters.rest.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the HTTP API. */
@ConfigMapping(prefix = "coordinator.api")
public interface ApiConfig {

    /**
     * Largest request body accepted, in bytes; a larger one is answered 413 with a problem document before it
     * is parsed. Keep it below {@code quarkus.http.limits.max-body-size}, the transport's hard cut.
     */
    @WithDefault("1048576")
    long maxBodyBytes();

    /**
     * The largest answer a list gives, in bytes; a page that would be larger stops early and names the next
     * offset in a {@code Link} header.
     */
    @WithDefault("4194304")
    int maxPageBytes();

    /** Request rates, as token buckets shared by every replica (in Redis; per replica while Redis is down). */
    RateLimits rateLimits();

    /**
     * Requests per second and bursts: for each source address (all of its requests, with a key or not), and for
     * each key by its role or each bot's token. Behind a proxy, set
     * {@code quarkus.http.proxy.proxy-address-forwarding=true} so that the address is the client's.
     */
    interface RateLimits {

        @WithDefault("10000")
        double addressPerSecond();

        @WithDefault("20000")
        int addressBurst();

        @WithDefault("2000")
        double adminPerSecond();

        @WithDefault("4000")
        int adminBurst();

        @WithDefault("2000")
        double operatorPerSecond();

        @WithDefault("4000")
        int operatorBurst();

        @WithDefault("1000")
        double submitterPerSecond();

        @WithDefault("2000")
        int submitterBurst();

        @WithDefault("200")
        double readerPerSecond();

        @WithDefault("400")
        int readerBurst();

        @WithDefault("100")
        double botPerSecond();

        @WithDefault("200")
        int botBurst();
    }
}
