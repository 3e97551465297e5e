package io.clawbot.coordinator.adapters.rest.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a request whose path and query together are longer than any this API needs (ids, names and filters),
 * with a problem document. The transport's own cut, far above it ({@code quarkus.http.limits.max-initial-line-length}),
 * answers without one and closes the connection.
 */
public class UriLength {

    /** Characters of path and query. */
    public static final int MAX = 4096;

    @ServerRequestFilter(preMatching = true)
    public Response refuse(ContainerRequestContext request) {
        String uri = request.getUriInfo().getRequestUri().getRawPath();
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        int length = uri.length() + (query == null ? 0 : query.length() + 1);
        if (length <= MAX) {
            return null;
        }
        return Response.status(414).type(Problem.MEDIA_TYPE).entity(Problem.of("uri-too-long", "URI Too Long", 414,
                "The path and query have " + length + " characters; the limit is " + MAX, null, null)).build();
    }
}
