package io.clawbot.coordinator.adapters.rest.access;

import io.clawbot.coordinator.adapters.rest.common.EdgeMeters;
import io.clawbot.coordinator.adapters.rest.common.ApiConfig;
import io.clawbot.coordinator.adapters.rest.common.Problem;
import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.port.RateLimiter;
import io.clawbot.coordinator.domain.common.port.RateLimiter.Decision;
import io.clawbot.coordinator.domain.common.port.RateLimiter.Limit;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Rate limits at the edge: each source address first (before anything looks up a key, so that a flood of bad
 * keys is cut off cheaply), then each key by its role and each bot by its token. Over a limit: 429 with
 * {@code Retry-After} and the {@code RateLimit-*} headers; every other answer carries the headers of the
 * caller's bucket.
 */
public class RateLimits {

    private static final String DECISION = "clawbot.rate-limit";

    private final RateLimiter limiter;
    private final ApiConfig.RateLimits config;
    private final CurrentIdentityAssociation identities;
    private final EdgeMeters meters;

    public RateLimits(RateLimiter limiter, ApiConfig config, CurrentIdentityAssociation identities,
            EdgeMeters meters) {
        this.meters = meters;
        this.limiter = limiter;
        this.config = config.rateLimits();
        this.identities = identities;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> perAddress(ContainerRequestContext request, HttpServerRequest http) {
        String address = http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
        Limit limit = new Limit(config.addressBurst(), config.addressPerSecond());
        return limiter.tryAcquire("addr:" + address, limit)
                .map(decision -> decision.allowed()
                        ? null
                        : refused("address", request, limit, decision, "this address"));
    }

    /**
     * Runs after the role check, so the caller of a protected endpoint is known; a public endpoint's anonymous
     * (or badly authenticated) caller has only the address limit.
     */
    @ServerRequestFilter
    public Uni<Response> perCaller(ContainerRequestContext request) {
        return identities.getDeferredIdentity().onFailure().recoverWithNull().flatMap(identity -> {
            Principal principal = identity == null || identity.isAnonymous()
                    ? null
                    : identity.getAttribute(BearerIdentityProvider.PRINCIPAL);
            return principal == null ? Uni.createFrom().nullItem() : take(request, principal);
        });
    }

    private Uni<Response> take(ContainerRequestContext request, Principal principal) {
        Limit limit = limitOf(principal);
        String bucket = switch (principal) {
            case Principal.Client client -> "key:" + client.keyId();
            case Principal.Bot bot -> "bot:" + bot.botId();
        };
        String scope = principal instanceof Principal.Bot ? "bot" : "key";
        return limiter.tryAcquire(bucket, limit).map(decision -> {
            request.setProperty(DECISION, new Object[]{ limit, decision });
            return decision.allowed() ? null : refused(scope, request, limit, decision, "this key");
        });
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(DECISION) instanceof Object[] pair && response.getStatus() != 429) {
            Limit limit = (Limit) pair[0];
            Decision decision = (Decision) pair[1];
            response.getHeaders().putSingle("RateLimit-Limit", limit.capacity());
            response.getHeaders().putSingle("RateLimit-Remaining", decision.remaining());
        }
    }

    private Limit limitOf(Principal principal) {
        return switch (principal) {
            case Principal.Bot bot -> new Limit(config.botBurst(), config.botPerSecond());
            case Principal.Client client -> switch (client.role()) {
                case ADMIN -> new Limit(config.adminBurst(), config.adminPerSecond());
                case OPERATOR -> new Limit(config.operatorBurst(), config.operatorPerSecond());
                case SUBMITTER -> new Limit(config.submitterBurst(), config.submitterPerSecond());
                case READER -> new Limit(config.readerBurst(), config.readerPerSecond());
            };
        };
    }

    private Response refused(String scope, ContainerRequestContext request, Limit limit, Decision decision,
            String who) {
        meters.rateLimited(scope);
        return refusal(request, limit, decision, who);
    }

    private static Response refusal(ContainerRequestContext request, Limit limit, Decision decision, String who) {
        long seconds = Math.max(1, (decision.retryAfter().toMillis() + 999) / 1000);
        String path = "/" + request.getUriInfo().getPath().replaceFirst("^/", "");
        return Response.status(429).type(Problem.MEDIA_TYPE).header("Retry-After", seconds)
                .header("RateLimit-Limit", limit.capacity()).header("RateLimit-Remaining", 0)
                .header("RateLimit-Reset", seconds)
                .entity(Problem.of("rate-limited", "Too Many Requests", 429, "Too many requests from " + who
                        + " (at most " + limit.capacity() + " at once, " + limit.perSecond()
                        + " per second); retry after " + seconds + " s", path, null))
                .build();
    }
}
