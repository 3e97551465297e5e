package io.clawbot.coordinator.adapters.rest.common;

import io.clawbot.coordinator.domain.common.NulCharacters;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Refuses a path, a query parameter or a header that carries the NUL character (e.g. {@code ?type=%00}). */
public class NulInRequests {

    @ServerRequestFilter(preMatching = true)
    public Response refuse(ContainerRequestContext request) {
        String at = null;
        if (NulCharacters.in(request.getUriInfo().getPath())) {
            at = "path";
        }
        for (Map.Entry<String, List<String>> param : request.getUriInfo().getQueryParameters().entrySet()) {
            if (at == null
                    && (NulCharacters.in(param.getKey()) || param.getValue().stream().anyMatch(NulCharacters::in))) {
                at = param.getKey().replace('\0', '?');
            }
        }
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            if (at == null && header.getValue().stream().anyMatch(NulCharacters::in)) {
                at = header.getKey();
            }
        }
        if (at == null) {
            return null;
        }
        String path = "/" + request.getUriInfo().getPath().replace('\0', '?').replaceFirst("^/", "");
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(Problem.of("validation", "Invalid request", 400,
                at + ": " + NulCharacters.MESSAGE, path, at)).build();
    }
}
