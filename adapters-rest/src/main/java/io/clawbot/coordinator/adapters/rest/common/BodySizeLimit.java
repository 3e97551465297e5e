package io.clawbot.coordinator.adapters.rest.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses bodies over {@link ApiConfig#maxBodyBytes()}, and YAML bodies over {@link YamlDocuments#MAX_BYTES}, with a
 * precise 413 before anything reads them.
 */
public class BodySizeLimit {

    private final ApiConfig config;

    public BodySizeLimit(ApiConfig config) {
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true)
    public Response limit(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return null;
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return null;
        }
        long limit = YamlDocuments.isYaml(request.getHeaderString(HttpHeaders.CONTENT_TYPE))
                ? Math.min(YamlDocuments.MAX_BYTES, config.maxBodyBytes())
                : config.maxBodyBytes();
        if (bytes <= limit) {
            return null;
        }
        return Response.status(413).type(Problem.MEDIA_TYPE)
                .entity(Problem.of("payload-too-large", "Payload too large", 413, "The request body has " + bytes
                        + " bytes; the limit is " + limit, request.getUriInfo().getPath(), null))
                .build();
    }
}
