package io.clawbot.coordinator.adapters.rest.access;

import io.clawbot.coordinator.application.access.AuditTrail;
import io.clawbot.coordinator.domain.access.Principal;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.RequestScoped;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Records an administrative action in the audit trail once it has succeeded: who (the caller's key), what, on
 * which object, and from which address. A client's actions are recorded; a bot's reports about its own tasks are
 * its work, not administration, and are not. Failing to record is logged and does not fail the action, which has
 * already happened.
 */
@RequestScoped
public class Audit {

    private static final Logger LOG = Logger.getLogger(Audit.class);

    private final AuditTrail trail;
    private final Caller caller;
    private final HttpServerRequest request;

    public Audit(AuditTrail trail, Caller caller, HttpServerRequest request) {
        this.trail = trail;
        this.caller = caller;
        this.request = request;
    }

    /** {@code action}, recorded as {@code name} on {@code target} when it succeeds. */
    public <T> Uni<T> after(Uni<T> action, String name, Object target) {
        return after(action, name, ignored -> target);
    }

    /** {@code action}, recorded as {@code name} on the target its result names when it succeeds. */
    public <T> Uni<T> after(Uni<T> action, String name, Function<T, Object> target) {
        Principal principal = caller.principal();
        if (!(principal instanceof Principal.Client)) {
            return action;
        }
        String source = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        return action.call(result -> trail.record(principal, name, target.apply(result), source)
                .onFailure().invoke(failure -> LOG.errorf(failure, "could not record %s by %s in the audit trail", name,
                        principal.actor().value()))
                .onFailure().recoverWithNull());
    }
}
