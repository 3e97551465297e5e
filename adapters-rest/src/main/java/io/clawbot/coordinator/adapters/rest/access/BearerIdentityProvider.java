package io.clawbot.coordinator.adapters.rest.access;

import io.clawbot.coordinator.application.access.Callers;
import io.clawbot.coordinator.domain.access.Principal;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns a bearer secret into a security identity: its roles (the key's role, or {@code bot}) and the domain's
 * {@link Principal}, which use cases take to scope reads and record who acted.
 */
@ApplicationScoped
public class BearerIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    static final String PRINCIPAL = "clawbot.principal";

    private final Callers callers;

    public BearerIdentityProvider(Callers callers) {
        this.callers = callers;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        return callers.authenticate(request.getToken().getToken()).map(principal -> {
            if (principal == null) {
                throw new AuthenticationFailedException("unknown, revoked or expired key or token");
            }
            return switch (principal) {
                case Principal.Client client -> identity("key:" + client.name(), client.role().wire(), principal);
                case Principal.Bot bot -> identity("bot:" + bot.botId(), Roles.BOT, principal);
            };
        });
    }

    private static SecurityIdentity identity(String name, String role, Principal principal) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name)).addRole(role)
                .addAttribute(PRINCIPAL, principal).build();
    }
}
