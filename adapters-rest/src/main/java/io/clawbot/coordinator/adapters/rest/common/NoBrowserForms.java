package io.clawbot.coordinator.adapters.rest.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses the bodies a web page can send cross-site without a preflight: HTML forms
 * ({@code application/x-www-form-urlencoded}, {@code multipart/form-data}) and {@code text/plain}, except on the one
 * endpoints documented to take YAML as plain text. Keys travel in a header that such a request cannot carry,
 * so this is a second wall, not the first; it also keeps an empty form post from passing as an empty JSON body.
 * The hooks take forms (Slack's slash commands and interactions, GitHub's form deliveries): they are authenticated
 * by a signature over the body, which a cross-site page cannot make.
 */
public class NoBrowserForms {

    private static final Set<String> FORM_TYPES = Set.of("application/x-www-form-urlencoded", "multipart/form-data",
            "text/plain");
    /** The endpoints documented to take YAML as text/plain: a workflow, a definition, a definition's version. */
    private static final Pattern PLAIN_TEXT_ENDPOINTS = Pattern
            .compile("/api/v1/(workflows/from-yaml|workflow-definitions|workflow-definitions/[^/]+/versions)");
    /** The signed hooks, which take forms. */
    private static final Pattern HOOKS = Pattern.compile("/api/v1/hooks/(slack/)?[^/]+");

    @ServerRequestFilter(preMatching = true)
    public Response refuse(ContainerRequestContext request) {
        String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            return null;
        }
        String base = type.toLowerCase(Locale.ROOT).split(";", 2)[0].strip();
        if (!FORM_TYPES.contains(base)) {
            return null;
        }
        String path = "/" + request.getUriInfo().getPath().replaceFirst("^/", "");
        if (!hasBody(request) || base.equals("text/plain") && PLAIN_TEXT_ENDPOINTS.matcher(path).matches()
                || base.equals("application/x-www-form-urlencoded") && HOOKS.matcher(path).matches()) {
            // A label on nothing (some clients put one on every POST); or plain text where it is documented.
            return null;
        }
        return Response.status(415).type(Problem.MEDIA_TYPE)
                .entity(Problem.of("unsupported-media-type", "Unsupported Media Type", 415,
                        "This endpoint does not take " + base + ": send application/json", path, null))
                .build();
    }

    private static boolean hasBody(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        return request.getHeaderString("Transfer-Encoding") != null || length != null && !length.strip().equals("0");
    }
}
