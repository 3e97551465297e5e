package io.clawbot.coordinator.adapters.rest.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.trigger.port.JsonBodies;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Map;

/** Reads verified delivery bodies with the API's own JSON reader and its limits on depth, sizes and duplicates. */
@ApplicationScoped
public class JacksonJsonBodies implements JsonBodies {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final ObjectMapper mapper;

    public JacksonJsonBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Map<String, Object> object(byte[] body) {
        if (body.length == 0) {
            throw new ValidationException("body", "is empty: a JSON object is required");
        }
        try {
            Map<String, Object> value = mapper.readValue(body, OBJECT);
            if (value == null) {
                throw new ValidationException("body", "must be a JSON object");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new ValidationException("body", "is not a JSON object: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ValidationException("body", "cannot be read: " + e.getMessage());
        }
    }
}
