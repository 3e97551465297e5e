package io.clawbot.coordinator.adapters.rest.trigger;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Set;

/** Settings of the hooks that take signed events, and of the replies posted back to Slack. */
@ConfigMapping(prefix = "coordinator.hooks")
public interface HookConfig {

    /** A trigger's rate limit unless it sets its own (seed 002: RATE_LIMIT_MAX_REQUESTS per RATE_LIMIT_WINDOW_SECONDS). */
    RateLimit rateLimit();

    Slack slack();

    /** How often each replica looks for replies to post and deliveries to finish. */
    @WithDefault("1s")
    Duration replyInterval();

    /** How long deliveries are kept for listing (and as the memory of which event ids were seen). */
    @WithDefault("7d")
    Duration retention();

    interface RateLimit {

        @WithDefault("10")
        int maxRequests();

        @WithDefault("60")
        int windowSeconds();
    }

    interface Slack {

        /** Where chat.postMessage is called; a stand-in's address in tests. */
        @WithDefault("https://slack.com/api")
        String apiBaseUrl();

        /** The hosts a slash command's response_url may name; a reply to any other host is not sent. */
        @WithDefault("hooks.slack.com")
        Set<String> responseUrlHosts();

        /** How long one post to Slack may take. */
        @WithDefault("10s")
        Duration timeout();
    }
}
