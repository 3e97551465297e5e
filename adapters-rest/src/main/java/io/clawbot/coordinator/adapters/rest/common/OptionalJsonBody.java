package io.clawbot.coordinator.adapters.rest.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import java.util.Locale;

/**
 * Reads the body of an action whose body is optional ({@code POST .../start}, {@code .../cancel}): an empty
 * body, with or without a content type, means "no details"; a non-empty one must be JSON of the given shape
 * and is held to the same strict rules as every other body.
 */
@ApplicationScoped
public class OptionalJsonBody {

    private final ObjectMapper mapper;

    public OptionalJsonBody(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The parsed body, or {@code null} when there is none. */
    public <T> T read(String raw, String contentType, Class<T> type) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        if (contentType != null && !isJson(contentType)) {
            throw new NotSupportedException();
        }
        try {
            return mapper.readValue(raw, type);
        } catch (JsonProcessingException e) {
            throw new WebApplicationException(e, 400);
        }
    }

    private static boolean isJson(String contentType) {
        String base = contentType.toLowerCase(Locale.ROOT).split(";")[0].strip();
        return base.equals("application/json") || base.endsWith("+json");
    }
}
