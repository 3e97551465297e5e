package io.clawbot.coordinator.adapters.rest.common;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.clawbot.coordinator.application.watch.Watches;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.DomainException;
import io.clawbot.coordinator.domain.common.ForbiddenException;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.Outages;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where failures become HTTP answers: {@code application/problem+json} with a stable type, a
 * human detail and, for bad input, the field at fault. Never a class name or a stack trace.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response domain(DomainException e, UriInfo uri) {
        return respond(problem(e, path(uri)));
    }

    /** The problem document of a refusal by the core, as answered on its own or inside a batch's report. */
    public static Problem problem(DomainException e, String instance) {
        return switch (e) {
            case NotFoundException n -> Problem.of(n.code(), "Not found", 404, n.getMessage(), instance, null);
            case ValidationException v ->
                Problem.of(v.code(), "Invalid request", 400, v.getMessage(), instance, v.field())
                        .withErrors(v.violations().stream()
                                .map(x -> new Problem.Violation(x.pointer(), x.message())).toList());
            case InvalidTransitionException t ->
                Problem.of(t.code(), "Invalid transition", 409, t.getMessage(), instance, null);
            case ConflictException c -> Problem.of(c.code(), "Conflict", 409, c.getMessage(), instance, null);
            case ForbiddenException f -> Problem.of(f.code(), "Forbidden", 403, f.getMessage(), instance, null);
            case IdempotencyKeyReusedException k -> Problem.of(k.code(), "Idempotency key reused", 422,
                    k.getMessage(), instance, "Idempotency-Key");
        };
    }

    /** This replica serves as many waiting clients as it may ({@code coordinator.watch.max-watchers}). */
    @ServerExceptionMapper
    public Response tooManyWatchers(Watches.LimitReached e, UriInfo uri) {
        return Response.status(503).type(Problem.MEDIA_TYPE).header("Retry-After", "1")
                .entity(Problem.of("too-many-waiting", "Service Unavailable", 503, e.getMessage(), path(uri), null))
                .build();
    }

    /** No credentials on an endpoint that needs them. */
    @ServerExceptionMapper
    public Response unauthenticated(io.quarkus.security.UnauthorizedException e, UriInfo uri) {
        return unauthorized("unauthorized", "This endpoint needs an API key or bot token: Authorization: Bearer <key>",
                uri);
    }

    /** Credentials that are not a live key or token. */
    @ServerExceptionMapper
    public Response authenticationFailed(io.quarkus.security.AuthenticationFailedException e, UriInfo uri) {
        return unauthorized("invalid-credentials", "The key or token is unknown, revoked or expired", uri);
    }

    /** A caller whose role may not use the endpoint. */
    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e, UriInfo uri) {
        return respond(Problem.of("forbidden", "Forbidden", 403,
                "This key's role may not use this endpoint; docs/access-control.md lists the roles of each",
                path(uri), null));
    }

    private static Response unauthorized(String code, String detail, UriInfo uri) {
        return Response.status(401).type(Problem.MEDIA_TYPE).header("WWW-Authenticate", "Bearer realm=\"clawbot\"")
                .entity(Problem.of(code, "Unauthorized", 401, detail, path(uri), null)).build();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return respond(jsonProblem(e, path(uri)));
    }

    /** Declared on its own so that it takes precedence over the JSON extension's built-in mapper. */
    @ServerExceptionMapper
    public Response mismatch(MismatchedInputException e, UriInfo uri) {
        return respond(jsonProblem(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return respond(jsonProblem(json, path(uri)));
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        String code = switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            default -> status >= 500 ? "internal-error" : "http-" + status;
        };
        String detail = switch (status) {
            case 404 -> "No resource at " + path(uri);
            case 405 -> "This method is not allowed on " + path(uri);
            case 406 -> "This resource answers with application/json only";
            case 415 ->
                "This endpoint does not take a body of that type: send application/json (workflow definitions may also be sent as application/yaml)";
            default -> title;
        };
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        return respond(Problem.of(code, title, status, detail, path(uri), null));
    }

    /** How long a client is asked to wait when a backing service cannot serve it right now. */
    static final String OUTAGE_RETRY_AFTER_SECONDS = "2";

    @Inject
    Outages outages;

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        if (outages.isOutage(e)) {
            // The database is down, restarting or too busy: the request may succeed shortly, and readiness already
            // tells the load balancer; one line, not a stack trace per request.
            LOG.warnf("a request failed because the database cannot serve it right now: %s", rootMessage(e));
            return Response.status(503).type(Problem.MEDIA_TYPE).header("Retry-After", OUTAGE_RETRY_AFTER_SECONDS)
                    .entity(Problem.of("unavailable", "Service Unavailable", 503, "The coordinator's database cannot "
                            + "serve this request right now (down, restarting or busy); try again shortly", path(uri),
                            null))
                    .build();
        }
        LOG.error("unexpected failure", e);
        return respond(Problem.of("internal-error", "Internal error", 500,
                "The coordinator could not complete the request; it has been logged", path(uri), null));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    static Problem jsonProblem(JsonProcessingException e, String instance) {
        return jsonProblem(e, instance, "");
    }

    /**
     * The problem document of a body, or part of one, that does not bind.
     *
     * @param within where the part sits in the body ({@code tasks[3]}); empty for the whole body
     */
    public static Problem jsonProblem(JsonProcessingException e, String instance, String within) {
        if (e instanceof JsonParseException || !(e instanceof JsonMappingException mapping)) {
            return Problem.of("malformed-json", "Malformed JSON", 400,
                    "The request body is not valid JSON" + location(e), instance, null);
        }
        String inner = fieldPath(mapping);
        String field = within.isEmpty() || inner.isEmpty()
                ? within + inner
                : within + (inner.startsWith("[") ? "" : ".") + inner;
        if (e instanceof UnrecognizedPropertyException u) {
            return Problem.of("validation", "Invalid request", 400, field + ": unknown field '" + u.getPropertyName()
                    + "'", instance, field);
        }
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            String expected = e instanceof MismatchedInputException m && m.getTargetType() != null
                    ? describe(m.getTargetType())
                    : "a different type";
            return Problem.of("validation", "Invalid request", 400,
                    (field.isEmpty() ? "body" : field) + ": must be " + expected, instance,
                    field.isEmpty() ? null : field);
        }
        return Problem.of("validation", "Invalid request", 400, "The request body does not match the expected shape",
                instance, field.isEmpty() ? null : field);
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a JSON object";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        return "a value of another type";
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
