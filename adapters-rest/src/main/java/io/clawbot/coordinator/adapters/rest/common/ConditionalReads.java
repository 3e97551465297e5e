package io.clawbot.coordinator.adapters.rest.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Conditional reads (RFC 9110 §8.8.3, §13.1.2): every successful JSON answer to a GET carries a strong
 * {@code ETag}, a digest of the bytes it sends; a GET whose {@code If-None-Match} names that tag is answered
 * {@code 304 Not Modified} with the tag and no body. A client that polls a task, a workflow, a list or the
 * status sends the tag it holds and gets bytes back only when something changed.
 *
 * <p>
 * The tag is computed from the answer itself, so it changes exactly when the answer does, on every replica alike,
 * and needs no version column for lists or summaries. The answer is serialised once here and sent as those bytes.
 */
public class ConditionalReads {

    public static final String IF_NONE_MATCH = "If-None-Match";

    private final ObjectMapper json;

    public ConditionalReads(ObjectMapper json) {
        this.json = json;
    }

    @ServerResponseFilter
    public void tag(ContainerRequestContext request, ContainerResponseContext response) {
        if (!HttpMethod.GET.equals(request.getMethod()) || response.getStatus() != 200 || !response.hasEntity()
                || response.getHeaders().containsKey(HttpHeaders.ETAG) || !isJson(response.getMediaType())) {
            return;
        }
        byte[] body = bytes(response.getEntity());
        String tag = "\"" + digest(body) + "\"";
        response.getHeaders().putSingle(HttpHeaders.ETAG, tag);
        if (matches(request.getHeaderString(IF_NONE_MATCH), tag)) {
            response.setStatus(304);
            response.setEntity(null);
            response.getHeaders().remove(HttpHeaders.CONTENT_TYPE);
            return;
        }
        response.setEntity(body, response.getEntityAnnotations(), MediaType.APPLICATION_JSON_TYPE);
    }

    /**
     * Whether an {@code If-None-Match} value names {@code tag}: {@code *}, or a list of tags compared weakly (a
     * {@code W/} prefix is ignored, as RFC 9110 asks for this header).
     */
    static boolean matches(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (c.equals("*")) {
                return true;
            }
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(tag)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isJson(MediaType type) {
        return type == null || type.isCompatible(MediaType.APPLICATION_JSON_TYPE);
    }

    private byte[] bytes(Object entity) {
        if (entity instanceof byte[] raw) {
            return raw;
        }
        if (entity instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return json.writeValueAsBytes(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer", e);
        }
    }

    private static String digest(byte[] body) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 18));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
